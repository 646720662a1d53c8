{{/*
One webhook of the ValidatingWebhookConfiguration:
  (dict "root" $ "name" "pods" "path" "/validate/pods" "config" .Values.webhooks.pods "rules" LIST)
Every webhook shares the namespace exclusions, the matchConditions, the timeout and the
transport settings; only the rules, the path and the failure policy differ.
*/}}
{{- define "tierguard.webhook" -}}
{{- $root := .root -}}
- name: {{ .name }}.validate.tierguard.io
  admissionReviewVersions: ["v1"]
  sideEffects: None
  # A request for another version of a matched kind (e.g. a future apps/v2) is converted and
  # sent too, so that no version can bypass the review.
  matchPolicy: Equivalent
  failurePolicy: {{ .config.failurePolicy }}
  timeoutSeconds: {{ $root.Values.webhooks.timeoutSeconds }}
  clientConfig:
    service:
      name: {{ include "tierguard.serviceName" $root }}
      namespace: {{ $root.Release.Namespace }}
      path: {{ .path }}
      port: {{ $root.Values.service.port }}
    {{- with (include "tierguard.tls.caBundle" $root) }}
    caBundle: {{ . }}
    {{- end }}
  rules:
    {{- toYaml .rules | nindent 4 }}
  # Selects the namespace of namespaced objects; cluster-scoped objects (ClusterRoles,
  # ClusterRoleBindings, PrivilegeTiers) are sent whatever it says.
  namespaceSelector:
    {{- include "tierguard.webhooks.namespaceSelector" $root | nindent 4 }}
  matchConditions:
    {{- include "tierguard.webhooks.matchConditions" $root | nindent 4 }}
{{- end -}}
