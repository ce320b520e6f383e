{{- define "remediator.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "remediator.labels" -}}
app.kubernetes.io/name: kubevirt-remediator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "remediator.selector" -}}
app.kubernetes.io/name: kubevirt-remediator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "remediator.tokenSecret" -}}
{{- if .Values.webhook.existingSecret -}}
{{- .Values.webhook.existingSecret -}}
{{- else if .Values.webhook.token -}}
{{- printf "%s-webhook" (include "remediator.name" .) -}}
{{- else -}}
{{- fail "webhook.existingSecret or webhook.token is required: the webhook never runs unauthenticated" -}}
{{- end -}}
{{- end -}}
