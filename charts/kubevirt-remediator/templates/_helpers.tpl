{{- define "remediator.name" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if .Values.nameOverride -}}
{{- printf "%s-%s" .Release.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Cluster-scoped objects carry the namespace too: the same release name in two namespaces must not collide. */}}
{{- define "remediator.clusterName" -}}
{{- printf "%s-%s" .Release.Namespace (include "remediator.name" .) | trunc 253 | trimSuffix "-" -}}
{{- end -}}

{{- define "remediator.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "remediator.name" .) -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
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
