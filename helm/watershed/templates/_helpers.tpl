{{/*
Helpers shared by every template. The resource templates stay thin: naming, labels, the image
reference and the one pod template used by both the split Deployments and the all-in-one
StatefulSet live here.
*/}}

{{/* Chart name, overridable. */}}
{{- define "watershed.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: `<release>-<chart>`, or the release name alone when it already contains the chart
name. Kept to 48 characters so `<fullname>-metadata-store` (the longest suffix) stays within the
63 characters a DNS label allows.
*/}}
{{- define "watershed.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 48 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* `<chart>-<version>` for the helm.sh/chart label. */}}
{{- define "watershed.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. Call with the root context. */}}
{{- define "watershed.labels" -}}
helm.sh/chart: {{ include "watershed.chart" . }}
app.kubernetes.io/name: {{ include "watershed.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: watershed
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that select every pod of this release, whatever its component. */}}
{{- define "watershed.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "watershed.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of one component. Input: dict "ctx" (root context) "component" (name).
Immutable on Deployments and StatefulSets: never add a label here that can change.
*/}}
{{- define "watershed.selectorLabels" -}}
{{ include "watershed.releaseSelectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Values key -> service name as WATERSHED_SERVICES spells it. Values keys are camelCase (Helm
convention, and `--set services.soapGateway.replicaCount=3` needs no quoting).
*/}}
{{- define "watershed.componentNames" -}}
soapGateway: soap-gateway
metadataStore: metadata-store
deployment: deployment
reporting: reporting
syncWorker: sync-worker
{{- end }}

{{/* The component that receives client traffic: the gateway, or the single all-in-one pod. */}}
{{- define "watershed.clientComponent" -}}
{{- ternary "soap-gateway" "all-in-one" (eq .Values.mode "split") }}
{{- end }}

{{/* Image reference: a digest pins it; otherwise the tag, defaulting to appVersion. */}}
{{- define "watershed.image" -}}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{- define "watershed.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "watershed.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "watershed.configMapName" -}}
{{- printf "%s-env" (include "watershed.fullname" .) }}
{{- end }}

{{- define "watershed.contentClaimName" -}}
{{- default (printf "%s-content" (include "watershed.fullname" .)) .Values.persistence.content.existingClaim }}
{{- end }}

{{/* The chart's own Secret holds whatever no existingSecret provides. */}}
{{- define "watershed.ownSecret.auth" -}}
{{- if not .Values.auth.existingSecret }}true{{ end }}
{{- end }}
{{- define "watershed.ownSecret.database" -}}
{{- if and .Values.database.url (not .Values.database.existingSecret) }}true{{ end }}
{{- end }}

{{/* Empty when no database is configured (all-in-one then uses PGlite). */}}
{{- define "watershed.database.configured" -}}
{{- if or .Values.database.existingSecret .Values.database.url }}true{{ end }}
{{- end }}

{{/* storageClassName from the bitnami convention: "" = cluster default, "-" = none. */}}
{{- define "watershed.storageClass" -}}
{{- if eq . "-" }}
storageClassName: ""
{{- else if . }}
storageClassName: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Checks that a schema cannot express. Included once, from configmap.yaml, which is always rendered.
*/}}
{{- define "watershed.validate" -}}
{{- if eq .Values.mode "split" }}
{{- if not (include "watershed.database.configured" .) }}
{{- fail "mode=split needs PostgreSQL: set database.url or database.existingSecret (see deploy/README.md)" }}
{{- end }}
{{- if not (or .Values.nats.url .Values.nats.existingSecret) }}
{{- fail "mode=split needs NATS with JetStream: set nats.url or nats.existingSecret (see deploy/README.md)" }}
{{- end }}
{{- end }}
{{- $budgetMs := mul (int .Values.terminationGracePeriodSeconds) 1000 }}
{{- $neededMs := add (mul (int .Values.lifecycle.preStopSleepSeconds) 1000) (int .Values.config.shutdownGraceMs) }}
{{- if le $budgetMs $neededMs }}
{{- fail (printf "terminationGracePeriodSeconds (%d ms) must exceed lifecycle.preStopSleepSeconds + config.shutdownGraceMs (%d ms), or in-flight requests are killed" $budgetMs $neededMs) }}
{{- end }}
{{- end }}

{{/*
The pod template of every Watershed workload. Input dict:
  ctx              root context
  component        value of app.kubernetes.io/component
  services         WATERSHED_SERVICES for this pod ("soap-gateway", ..., or "all")
  svc              per-component values (resources, extraEnv, podAnnotations)
  content          mount the content volume
  contentReadOnly  mount it read-only
  cookieKeys       expose WATERSHED_COOKIE_KEYS (only processes that issue or check cookies)
  adminTokens      expose WATERSHED_ADMIN_TOKENS (only processes that serve the admin API)
  data             mount the PGlite data volume (all-in-one)
*/}}
{{- define "watershed.podTemplate" -}}
{{- $ctx := .ctx }}
{{- $v := $ctx.Values }}
{{- $fullname := include "watershed.fullname" $ctx -}}
metadata:
  labels:
    {{- include "watershed.labels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Roll the pods when their configuration changes. An existingSecret is not tracked.
    checksum/config: {{ include (print $ctx.Template.BasePath "/configmap.yaml") $ctx | sha256sum }}
    checksum/secret: {{ include (print $ctx.Template.BasePath "/secret.yaml") $ctx | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .svc.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "watershed.serviceAccountName" $ctx }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
  # Service links would inject WATERSHED_PORT=tcp://... for a Service named "watershed",
  # clobbering the application's own variable.
  enableServiceLinks: false
  {{- with $v.image.pullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
  containers:
    - name: watershed
      image: {{ include "watershed.image" $ctx }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args: ["serve"]
      ports:
        - name: http
          containerPort: {{ $v.config.port }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "watershed.configMapName" $ctx }}
        {{- with $v.extraEnvFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        - name: WATERSHED_SERVICES
          value: {{ .services | quote }}
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        # One id per pod, in logs, /healthz and bus consumer names.
        - name: WATERSHED_INSTANCE_ID
          value: "$(POD_NAME)"
        {{- if include "watershed.database.configured" $ctx }}
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ $v.database.existingSecret | default $fullname }}
              key: {{ ternary $v.database.existingSecretKey "database-url" (ne $v.database.existingSecret "") }}
        {{- end }}
        {{- if $v.nats.existingSecret }}
        - name: NATS_URL
          valueFrom:
            secretKeyRef:
              name: {{ $v.nats.existingSecret }}
              key: {{ $v.nats.existingSecretKey }}
        {{- end }}
        {{- if .cookieKeys }}
        - name: WATERSHED_COOKIE_KEYS
          valueFrom:
            secretKeyRef:
              name: {{ $v.auth.existingSecret | default $fullname }}
              key: {{ ternary $v.auth.existingSecretCookieKeysKey "cookie-keys" (ne $v.auth.existingSecret "") }}
        {{- end }}
        {{- if .adminTokens }}
        - name: WATERSHED_ADMIN_TOKENS
          valueFrom:
            secretKeyRef:
              name: {{ $v.auth.existingSecret | default $fullname }}
              key: {{ ternary $v.auth.existingSecretAdminTokensKey "admin-tokens" (ne $v.auth.existingSecret "") }}
        {{- end }}
        {{- if $v.config.otlpEndpoint }}
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: OTEL_SERVICE_NAME
          value: {{ printf "watershed-%s" .component | quote }}
        - name: OTEL_RESOURCE_ATTRIBUTES
          value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.instance.id=$(POD_NAME)"
        {{- end }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with .svc.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.probes.startup }}
      {{- if .enabled }}
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- with $v.probes.liveness }}
      {{- if .enabled }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- with $v.probes.readiness }}
      {{- if .enabled }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- if gt (int $v.lifecycle.preStopSleepSeconds) 0 }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", "{{ int $v.lifecycle.preStopSleepSeconds }}"]
      {{- end }}
      securityContext:
        {{- toYaml $v.containerSecurityContext | nindent 8 }}
      {{- with .svc.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if .content }}
        - name: content
          mountPath: {{ $v.persistence.content.mountPath }}
          readOnly: {{ .contentReadOnly }}
        {{- end }}
        {{- if .data }}
        - name: data
          mountPath: {{ $v.persistence.data.mountPath }}
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      {{- $tmp := dict }}
      {{- with $v.tmpVolume.medium }}{{ $_ := set $tmp "medium" . }}{{ end }}
      {{- with $v.tmpVolume.sizeLimit }}{{ $_ := set $tmp "sizeLimit" . }}{{ end }}
      emptyDir: {{ toJson $tmp }}
    {{- if .content }}
    - name: content
      {{- if $v.persistence.content.enabled }}
      persistentVolumeClaim:
        claimName: {{ include "watershed.contentClaimName" $ctx }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    {{- end }}
    {{- if and .data (not $v.persistence.data.enabled) }}
    - name: data
      emptyDir: {}
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
