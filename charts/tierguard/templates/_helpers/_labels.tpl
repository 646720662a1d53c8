{{/* Labels. selectorLabels are immutable on a Deployment: never add to them. */}}

{{- define "tierguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tierguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tierguard.labels" -}}
{{ include "tierguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tierguard
helm.sh/chart: {{ include "tierguard.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component: (list $ "webhook"). */}}
{{- define "tierguard.componentLabels" -}}
{{ include "tierguard.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}
