{{/* Names of the chart's resources. Every name derives from tierguard.fullname. */}}

{{- define "tierguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* RELEASE-tierguard, or RELEASE when it already contains the chart name; at most 63 chars. */}}
{{- define "tierguard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A name derived from the full name with a suffix, kept within 63 chars. */}}
{{- define "tierguard.suffixedName" -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "tierguard.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "tierguard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tierguard.serviceName" -}}
{{- include "tierguard.fullname" . -}}
{{- end -}}

{{/* The DNS name the API server calls and the serving certificate is issued for. */}}
{{- define "tierguard.serviceDNSName" -}}
{{- printf "%s.%s.svc" (include "tierguard.serviceName" .) .Release.Namespace -}}
{{- end -}}

{{- define "tierguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tierguard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Cluster-scoped objects (ClusterRole, webhook configuration) use the full name too: a
     second release with the same name in another namespace fails on ownership, loudly. */}}
{{- define "tierguard.webhookConfigurationName" -}}
{{- include "tierguard.fullname" . -}}
{{- end -}}
