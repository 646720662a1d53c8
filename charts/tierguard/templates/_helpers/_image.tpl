{{/* Image references: REPO:TAG, or REPO:TAG@DIGEST when a digest is set (the runtime pulls by
     digest; the tag stays for humans). */}}

{{- define "tierguard.imageRef" -}}
{{- $image := index . 0 -}}
{{- $defaultTag := index . 1 -}}
{{- $tag := default $defaultTag $image.tag -}}
{{- if $image.digest -}}
{{- printf "%s:%s@%s" $image.repository $tag $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "tierguard.image" -}}
{{- include "tierguard.imageRef" (list .Values.image .Chart.AppVersion) -}}
{{- end -}}

{{- define "tierguard.hookImage" -}}
{{- include "tierguard.imageRef" (list .Values.hooks.image "") -}}
{{- end -}}
