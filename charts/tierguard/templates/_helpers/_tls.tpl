{{/*
TLS of the webhook server. Three modes (templates/validate.yaml rejects mixing them):
  certManager     certManager.enabled: cert-manager issues the serving certificate, its CA
                  injector fills the webhooks' caBundle (cert-manager.io/inject-ca-from)
  existingSecret  tls.existingSecret + tls.caBundle: both managed outside the chart
  selfSigned      otherwise: Helm generates a CA and a serving certificate (genCA,
                  genSignedCert), reused across upgrades through `lookup`
*/}}

{{- define "tierguard.tls.mode" -}}
{{- if .Values.certManager.enabled -}}certManager
{{- else if .Values.tls.existingSecret -}}existingSecret
{{- else -}}selfSigned
{{- end -}}
{{- end -}}

{{/* The Secret mounted at /tls (tls.crt, tls.key). */}}
{{- define "tierguard.tls.secretName" -}}
{{- if eq (include "tierguard.tls.mode" .) "existingSecret" -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
{{- include "tierguard.suffixedName" (list . "tls") -}}
{{- end -}}
{{- end -}}

{{/* The CA: a Secret in selfSigned mode, a Certificate's Secret with a chart-created issuer in
     certManager mode. */}}
{{- define "tierguard.tls.caSecretName" -}}
{{- include "tierguard.suffixedName" (list . "ca") -}}
{{- end -}}

{{- define "tierguard.tls.certificateName" -}}
{{- include "tierguard.suffixedName" (list . "serving") -}}
{{- end -}}

{{/* DNS names of the serving certificate: every form a client may use for the Service. */}}
{{- define "tierguard.tls.dnsNames" -}}
{{- $svc := include "tierguard.serviceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- toJson (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns)) -}}
{{- end -}}

{{/*
tierguard.tls.generated: the CA and serving certificate of selfSigned mode, as JSON
{caCert, caKey, caNotAfter, cert, key, certNotAfter, caBundle}.

Generated once per render and cached on the root context, so the Secrets and the webhook
configuration (different template files) see the same CA. On an upgrade the Secrets are read
back with `lookup`:
  - the CA is kept while it is valid for more than renewBeforeDays; otherwise a new CA is
    generated and, for this revision, the caBundle holds the new and the old CA so that the
    API server trusts both while the pods pick up the new Secret;
  - the serving certificate is kept when it was signed by that CA, names the same DNS names and
    is valid for more than renewBeforeDays; otherwise the CA signs a new one (same caBundle).
Expiry and DNS names are recorded as annotations at generation: Sprig cannot parse certificates.
*/}}
{{- define "tierguard.tls.generated" -}}
{{- if not (hasKey $ "tierguardGeneratedTLS") -}}
{{- $cfg := .Values.tls.selfSigned -}}
{{- $now := now | unixEpoch | int64 -}}
{{- $renewAt := add $now (mul (int64 $cfg.renewBeforeDays) 86400) -}}
{{- $dnsNames := include "tierguard.tls.dnsNames" . | fromJsonArray -}}
{{- $dnsKey := join "," $dnsNames -}}
{{- $ns := .Release.Namespace -}}

{{- $caCert := "" -}}{{- $caKey := "" -}}{{- $caNotAfter := 0 -}}{{- $oldCaCert := "" -}}
{{- $caSecret := lookup "v1" "Secret" $ns (include "tierguard.tls.caSecretName" .) -}}
{{- if and $caSecret $caSecret.data -}}
{{- $annotations := default dict $caSecret.metadata.annotations -}}
{{- $notAfter := int64 (default "0" (get $annotations "tierguard.io/not-after")) -}}
{{- if and (hasKey $caSecret.data "tls.crt") (hasKey $caSecret.data "tls.key") -}}
{{- if gt $notAfter $renewAt -}}
{{- $caCert = b64dec (get $caSecret.data "tls.crt") -}}
{{- $caKey = b64dec (get $caSecret.data "tls.key") -}}
{{- $caNotAfter = $notAfter -}}
{{- else -}}
{{- $oldCaCert = b64dec (get $caSecret.data "tls.crt") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if not $caCert -}}
{{- $ca := genCA (printf "%s-ca" (include "tierguard.fullname" .)) (int $cfg.caValidityDays) -}}
{{- $caCert = $ca.Cert -}}
{{- $caKey = $ca.Key -}}
{{- $caNotAfter = add $now (mul (int64 $cfg.caValidityDays) 86400) -}}
{{- end -}}

{{- $cert := "" -}}{{- $key := "" -}}{{- $certNotAfter := 0 -}}
{{- $tlsSecret := lookup "v1" "Secret" $ns (include "tierguard.tls.secretName" .) -}}
{{- if and $tlsSecret $tlsSecret.data -}}
{{- $annotations := default dict $tlsSecret.metadata.annotations -}}
{{- $notAfter := int64 (default "0" (get $annotations "tierguard.io/not-after")) -}}
{{- $signedBy := b64dec (default "" (get $tlsSecret.data "ca.crt")) -}}
{{- if and (hasKey $tlsSecret.data "tls.crt") (hasKey $tlsSecret.data "tls.key") (eq $signedBy $caCert) (eq (get $annotations "tierguard.io/dns-names") $dnsKey) (gt $notAfter $renewAt) -}}
{{- $cert = b64dec (get $tlsSecret.data "tls.crt") -}}
{{- $key = b64dec (get $tlsSecret.data "tls.key") -}}
{{- $certNotAfter = $notAfter -}}
{{- end -}}
{{- end -}}
{{- if not $cert -}}
{{- $signer := buildCustomCert (b64enc $caCert) (b64enc $caKey) -}}
{{- $leaf := genSignedCert (index $dnsNames 2) nil $dnsNames (int $cfg.certValidityDays) $signer -}}
{{- $cert = $leaf.Cert -}}
{{- $key = $leaf.Key -}}
{{- $certNotAfter = add $now (mul (int64 $cfg.certValidityDays) 86400) -}}
{{- end -}}

{{- $bundle := $caCert -}}
{{- if $oldCaCert -}}
{{- $bundle = printf "%s\n%s" (trimSuffix "\n" $caCert) $oldCaCert -}}
{{- end -}}
{{- $_ := set $ "tierguardGeneratedTLS" (dict "caCert" $caCert "caKey" $caKey "caNotAfter" (toString $caNotAfter) "cert" $cert "key" $key "certNotAfter" (toString $certNotAfter) "caBundle" $bundle "dnsNames" $dnsKey) -}}
{{- end -}}
{{- toJson (get $ "tierguardGeneratedTLS") -}}
{{- end -}}

{{/* The webhooks' clientConfig.caBundle (base64), or "" when cert-manager injects it. */}}
{{- define "tierguard.tls.caBundle" -}}
{{- $mode := include "tierguard.tls.mode" . -}}
{{- if eq $mode "selfSigned" -}}
{{- (include "tierguard.tls.generated" . | fromJson).caBundle | b64enc -}}
{{- else if eq $mode "existingSecret" -}}
{{- .Values.tls.caBundle -}}
{{- end -}}
{{- end -}}

{{/* Annotations of the webhook configuration: cert-manager's CA injection plus the user's. */}}
{{- define "tierguard.webhooks.annotations" -}}
{{- $annotations := deepCopy (default dict .Values.webhooks.annotations) -}}
{{- if .Values.certManager.enabled -}}
{{- $_ := set $annotations "cert-manager.io/inject-ca-from" (printf "%s/%s" .Release.Namespace (include "tierguard.tls.certificateName" .)) -}}
{{- end -}}
{{- with $annotations -}}
{{- toYaml . -}}
{{- end -}}
{{- end -}}
