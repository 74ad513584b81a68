{{/* The chart's name, at most 63 characters (a DNS label). */}}
{{- define "autoglm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the prefix of every object. */}}
{{- define "autoglm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "autoglm.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "autoglm.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* One service's objects: "<fullname>-<service>"; called with (dict "root" $ "name" <service>). */}}
{{- define "autoglm.serviceName" -}}
{{- printf "%s-%s" (include "autoglm.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "autoglm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "autoglm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: open-autoglm
{{- end -}}

{{/* The labels that select one service's pods; called with (dict "root" $ "name" <service>). */}}
{{- define "autoglm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "autoglm.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "autoglm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "autoglm.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "autoglm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL, REDIS_URL, GRPC_AUTH_TOKEN (and LLM_API_KEY). */}}
{{- define "autoglm.secretName" -}}
{{- default (include "autoglm.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* An environment variable read from the credentials Secret; called with (dict "root" $ "key" <KEY>). */}}
{{- define "autoglm.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "autoglm.secretName" .root }}
      key: {{ .key }}
{{- end -}}
