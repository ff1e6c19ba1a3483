{{/* The release's full name, at most 63 characters (a DNS label). */}}
{{- define "agent.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "agent.labels" -}}
app: {{ .Chart.Name }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "agent.selectorLabels" -}}
app: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "agent.serviceAccountName" -}}
{{- default (include "agent.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "agent.secretName" -}}
{{- default (printf "%s-token" (include "agent.fullname" .)) .Values.aurora.existingSecret -}}
{{- end -}}

{{/*
The resources the agent may read, by API group: what the built-in "view" role covers, without
Secrets (and without ServiceAccount tokens, which are a subresource nobody here gets).
*/}}
{{- define "agent.readRules" -}}
- apiGroups: [""]
  resources: [pods, pods/log, pods/status, services, endpoints, namespaces, nodes, events, configmaps, persistentvolumes, persistentvolumeclaims, replicationcontrollers, resourcequotas, limitranges, serviceaccounts]
- apiGroups: [apps]
  resources: [deployments, replicasets, statefulsets, daemonsets, controllerrevisions]
- apiGroups: [batch]
  resources: [jobs, cronjobs]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
- apiGroups: [networking.k8s.io]
  resources: [ingresses, ingressclasses, networkpolicies]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
- apiGroups: [events.k8s.io]
  resources: [events]
- apiGroups: [storage.k8s.io]
  resources: [storageclasses, volumeattachments, csidrivers, csinodes]
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
{{- end -}}
