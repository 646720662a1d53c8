{{/* Scheduling of the tierguard pods. */}}

{{/* The user's affinity, or by default: prefer one replica per node. */}}
{{- define "tierguard.affinity" -}}
{{- if .Values.affinity -}}
{{- toYaml .Values.affinity -}}
{{- else -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "tierguard.selectorLabels" . | nindent 12 }}
{{- end -}}
{{- end -}}

{{/* The user's topology spread constraints; one without labelSelector gets the pods' labels. */}}
{{- define "tierguard.topologySpreadConstraints" -}}
{{- $selector := include "tierguard.selectorLabels" . | fromYaml -}}
{{- $out := list -}}
{{- range .Values.topologySpreadConstraints -}}
{{- $c := deepCopy . -}}
{{- if not (hasKey $c "labelSelector") -}}
{{- $_ := set $c "labelSelector" (dict "matchLabels" $selector) -}}
{{- end -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- with $out -}}
{{- toYaml . -}}
{{- end -}}
{{- end -}}

{{/* Pod settings shared by the hook Jobs. */}}
{{- define "tierguard.hookPodSpec" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.hooks.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.hooks.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container settings shared by the hook containers (kubectl writes its discovery cache
     under $HOME; the root filesystem is read-only). */}}
{{- define "tierguard.hookContainer" -}}
image: {{ include "tierguard.hookImage" . | quote }}
imagePullPolicy: {{ .Values.hooks.image.pullPolicy }}
env:
  - name: HOME
    value: /tmp
{{- with .Values.hooks.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.containerSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* podDisruptionBudget.maxUnavailable as a string, "" when unset (null or ""); when set it
     replaces minAvailable. */}}
{{- define "tierguard.pdb.maxUnavailable" -}}
{{- $max := .Values.podDisruptionBudget.maxUnavailable -}}
{{- if not (kindIs "invalid" $max) -}}
{{- toString $max -}}
{{- end -}}
{{- end -}}
