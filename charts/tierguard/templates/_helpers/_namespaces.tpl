{{/*
Exempt namespaces, one list for both layers: the webhooks' namespaceSelector skips them and
tierguard gets --exempt-namespace for each (that flag replaces tierguard's built-in list).
The release namespace and kube-system come first and always: no value removes them, so
tierguard can always be repaired and the cluster's own components never wait on it.
*/}}

{{- define "tierguard.alwaysExemptNamespaces" -}}
{{- toJson (list .Release.Namespace "kube-system") -}}
{{- end -}}

{{- define "tierguard.exemptNamespaces" -}}
{{- $always := include "tierguard.alwaysExemptNamespaces" . | fromJsonArray -}}
{{- toJson (concat $always (default list .Values.exemptNamespaces) | uniq) -}}
{{- end -}}

{{/* The namespaceSelector of every webhook: the exemption first, then the user's extra terms
     (ANDed: they can only narrow). */}}
{{- define "tierguard.webhooks.namespaceSelector" -}}
{{- $extra := default dict .Values.webhooks.namespaceSelector -}}
{{- $exempt := dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" (include "tierguard.exemptNamespaces" . | fromJsonArray) -}}
{{- $selector := dict "matchExpressions" (concat (list $exempt) (default list $extra.matchExpressions)) -}}
{{- with $extra.matchLabels -}}
{{- $_ := set $selector "matchLabels" . -}}
{{- end -}}
{{- toYaml $selector -}}
{{- end -}}

{{/* matchConditions of every webhook: the API server's own requests are never sent (tierguard
     exempts system:apiserver anyway; its bootstrap RBAC reconciliation must not depend on
     tierguard being up), then the user's. */}}
{{- define "tierguard.webhooks.matchConditions" -}}
{{- $chart := list (dict "name" "exclude-apiserver" "expression" "request.userInfo.username != 'system:apiserver'") -}}
{{- toYaml (concat $chart (default list .Values.webhooks.matchConditions)) -}}
{{- end -}}
