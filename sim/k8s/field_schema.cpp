// The field tables of the kinds kcsim models (include/kcsim/k8s/field_schema.hpp).
//
// Each table is one upstream struct, written as "jsonName:type ..." in the struct's field order:
//   string bool int32 int64 float intstr quantity  scalars (Go string, bool, int32, int64,
//                                                   float64, intstr.IntOrString, resource.Quantity;
//                                                   metav1.Time and metav1.Duration are strings)
//   object        an object kcsim does not spell out (its members are not checked)
//   any           anything (status, x-kubernetes-preserve-unknown-fields)
//   Name          another table of this file
//   []T, map[]T   a list of T, a map of string to T
//   ...@V, @-V, @V-W  the field exists from version V of the kind's component, before version W
//                 (the upstream tags where it appears and goes; without it: every version kcsim
//                 models)
// A Go struct embedded with `json:",inline"` has its fields listed in place (Probe's ProbeHandler,
// the LocalObjectReference of the key selectors). Every field of a struct that kcsim spells out is
// listed, including the ones kcsim's models do not read: a real Kubernetes field must not be
// reported as unknown. Sub-structures no model reads (volumes, affinity, security contexts, Helm
// and Kustomize sources, ...) are `object`: their type is checked, their members are not.
#include "kcsim/k8s/field_schema.hpp"

#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kcsim {
namespace {

struct StructDef {
  const char* name;
  const char* fields;
};

// --- k8s.io/apimachinery pkg/apis/meta/v1/types.go, v0.32.0 (Kubernetes 1.32) ----------------------
constexpr StructDef kMetaV1[] = {
    {"ObjectMeta",
     "name:string generateName:string namespace:string selfLink:string uid:string resourceVersion:string "
     "generation:int64 creationTimestamp:string deletionTimestamp:string deletionGracePeriodSeconds:int64 "
     "labels:map[]string annotations:map[]string ownerReferences:[]OwnerReference finalizers:[]string "
     "managedFields:[]ManagedFieldsEntry"},
    {"OwnerReference", "apiVersion:string kind:string name:string uid:string controller:bool blockOwnerDeletion:bool"},
    {"ManagedFieldsEntry",
     "manager:string operation:string apiVersion:string time:string fieldsType:string fieldsV1:any subresource:string"},
    {"LabelSelector", "matchLabels:map[]string matchExpressions:[]LabelSelectorRequirement"},
    {"LabelSelectorRequirement", "key:string operator:string values:[]string"},
};

// --- k8s.io/api core/v1/types.go, v0.32.0 (Kubernetes 1.32) -----------------------------------------
constexpr StructDef kCoreV1[] = {
    {"Pod", "apiVersion:string kind:string metadata:ObjectMeta spec:PodSpec status:any"},
    {"PodTemplateSpec", "metadata:ObjectMeta spec:PodSpec"},
    {"PodSpec",
     "volumes:[]object initContainers:[]Container containers:[]Container ephemeralContainers:[]object "
     "restartPolicy:string terminationGracePeriodSeconds:int64 activeDeadlineSeconds:int64 dnsPolicy:string "
     "nodeSelector:map[]string serviceAccountName:string serviceAccount:string automountServiceAccountToken:bool "
     "nodeName:string hostNetwork:bool hostPID:bool hostIPC:bool shareProcessNamespace:bool securityContext:object "
     "imagePullSecrets:[]LocalObjectReference hostname:string subdomain:string affinity:object schedulerName:string "
     "tolerations:[]object hostAliases:[]object priorityClassName:string priority:int32 dnsConfig:object "
     "readinessGates:[]object runtimeClassName:string enableServiceLinks:bool preemptionPolicy:string "
     "overhead:map[]quantity topologySpreadConstraints:[]object setHostnameAsFQDN:bool os:object hostUsers:bool "
     "schedulingGates:[]object resourceClaims:[]object resources:ResourceRequirements"},
    {"Container",
     "name:string image:string command:[]string args:[]string workingDir:string ports:[]ContainerPort "
     "envFrom:[]EnvFromSource env:[]EnvVar resources:ResourceRequirements resizePolicy:[]ContainerResizePolicy "
     "restartPolicy:string volumeMounts:[]VolumeMount volumeDevices:[]object livenessProbe:Probe "
     "readinessProbe:Probe startupProbe:Probe lifecycle:Lifecycle terminationMessagePath:string "
     "terminationMessagePolicy:string imagePullPolicy:string securityContext:object stdin:bool stdinOnce:bool "
     "tty:bool"},
    {"ContainerPort", "name:string hostPort:int32 containerPort:int32 protocol:string hostIP:string"},
    {"EnvVar", "name:string value:string valueFrom:EnvVarSource"},
    {"EnvVarSource",
     "fieldRef:ObjectFieldSelector resourceFieldRef:ResourceFieldSelector configMapKeyRef:KeySelector "
     "secretKeyRef:KeySelector"},
    {"ObjectFieldSelector", "apiVersion:string fieldPath:string"},
    {"ResourceFieldSelector", "containerName:string resource:string divisor:quantity"},
    // ConfigMapKeySelector and SecretKeySelector: the same members (an inline LocalObjectReference).
    {"KeySelector", "name:string key:string optional:bool"},
    {"EnvFromSource", "prefix:string configMapRef:EnvSource secretRef:EnvSource"},
    // ConfigMapEnvSource and SecretEnvSource: the same members.
    {"EnvSource", "name:string optional:bool"},
    {"LocalObjectReference", "name:string"},
    {"ResourceRequirements", "limits:map[]quantity requests:map[]quantity claims:[]ResourceClaim"},
    {"ResourceClaim", "name:string request:string"},
    {"ContainerResizePolicy", "resourceName:string restartPolicy:string"},
    {"VolumeMount",
     "name:string readOnly:bool recursiveReadOnly:string mountPath:string subPath:string mountPropagation:string "
     "subPathExpr:string"},
    // Probe embeds ProbeHandler (exec, httpGet, tcpSocket, grpc).
    {"Probe",
     "exec:ExecAction httpGet:HTTPGetAction tcpSocket:TCPSocketAction grpc:GRPCAction initialDelaySeconds:int32 "
     "timeoutSeconds:int32 periodSeconds:int32 successThreshold:int32 failureThreshold:int32 "
     "terminationGracePeriodSeconds:int64"},
    {"ExecAction", "command:[]string"},
    {"HTTPGetAction", "path:string port:intstr host:string scheme:string httpHeaders:[]HTTPHeader"},
    {"HTTPHeader", "name:string value:string"},
    {"TCPSocketAction", "port:intstr host:string"},
    {"GRPCAction", "port:int32 service:string"},
    {"Lifecycle", "postStart:LifecycleHandler preStop:LifecycleHandler"},
    {"LifecycleHandler", "exec:ExecAction httpGet:HTTPGetAction tcpSocket:TCPSocketAction sleep:SleepAction"},
    {"SleepAction", "seconds:int64"},
    {"Service", "apiVersion:string kind:string metadata:ObjectMeta spec:ServiceSpec status:any"},
    {"ServiceSpec",
     "ports:[]ServicePort selector:map[]string clusterIP:string clusterIPs:[]string type:string externalIPs:[]string "
     "sessionAffinity:string loadBalancerIP:string loadBalancerSourceRanges:[]string externalName:string "
     "externalTrafficPolicy:string healthCheckNodePort:int32 publishNotReadyAddresses:bool "
     "sessionAffinityConfig:object ipFamilies:[]string ipFamilyPolicy:string allocateLoadBalancerNodePorts:bool "
     "loadBalancerClass:string internalTrafficPolicy:string trafficDistribution:string"},
    {"ServicePort", "name:string protocol:string appProtocol:string port:int32 targetPort:intstr nodePort:int32"},
};

// --- k8s.io/api apps/v1/types.go, v0.32.0 -------------------------------------------------------------
constexpr StructDef kAppsV1[] = {
    {"Deployment", "apiVersion:string kind:string metadata:ObjectMeta spec:DeploymentSpec status:any"},
    {"DeploymentSpec",
     "replicas:int32 selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy "
     "minReadySeconds:int32 revisionHistoryLimit:int32 paused:bool progressDeadlineSeconds:int32"},
    {"DeploymentStrategy", "type:string rollingUpdate:RollingUpdateDeployment"},
    {"RollingUpdateDeployment", "maxUnavailable:intstr maxSurge:intstr"},
    {"ReplicaSet", "apiVersion:string kind:string metadata:ObjectMeta spec:ReplicaSetSpec status:any"},
    {"ReplicaSetSpec", "replicas:int32 minReadySeconds:int32 selector:LabelSelector template:PodTemplateSpec"},
};

// --- k8s.io/api autoscaling/v2/types.go and autoscaling/v1/types.go, v0.32.0 --------------------------
constexpr StructDef kAutoscaling[] = {
    {"HorizontalPodAutoscalerV2",
     "apiVersion:string kind:string metadata:ObjectMeta spec:HorizontalPodAutoscalerSpecV2 status:any"},
    {"HorizontalPodAutoscalerSpecV2",
     "scaleTargetRef:CrossVersionObjectReference minReplicas:int32 maxReplicas:int32 metrics:[]MetricSpec "
     "behavior:HorizontalPodAutoscalerBehavior"},
    {"CrossVersionObjectReference", "kind:string name:string apiVersion:string"},
    {"MetricSpec",
     "type:string object:ObjectMetricSource pods:PodsMetricSource resource:ResourceMetricSource "
     "containerResource:ContainerResourceMetricSource external:ExternalMetricSource"},
    {"ObjectMetricSource", "describedObject:CrossVersionObjectReference target:MetricTarget metric:MetricIdentifier"},
    {"PodsMetricSource", "metric:MetricIdentifier target:MetricTarget"},
    {"ResourceMetricSource", "name:string target:MetricTarget"},
    {"ContainerResourceMetricSource", "name:string target:MetricTarget container:string"},
    {"ExternalMetricSource", "metric:MetricIdentifier target:MetricTarget"},
    {"MetricIdentifier", "name:string selector:LabelSelector"},
    {"MetricTarget", "type:string value:quantity averageValue:quantity averageUtilization:int32"},
    {"HorizontalPodAutoscalerBehavior", "scaleUp:HPAScalingRules scaleDown:HPAScalingRules"},
    {"HPAScalingRules", "stabilizationWindowSeconds:int32 selectPolicy:string policies:[]HPAScalingPolicy"},
    {"HPAScalingPolicy", "type:string value:int32 periodSeconds:int32"},
    // autoscaling/v1
    {"HorizontalPodAutoscalerV1",
     "apiVersion:string kind:string metadata:ObjectMeta spec:HorizontalPodAutoscalerSpecV1 status:any"},
    {"HorizontalPodAutoscalerSpecV1",
     "scaleTargetRef:CrossVersionObjectReference minReplicas:int32 maxReplicas:int32 "
     "targetCPUUtilizationPercentage:int32"},
};

// --- kedacore/keda apis/keda/v1alpha1/scaledobject_types.go and scaletriggers_types.go, v2.10.0 to ----
// v2.18.0
// (the CRD config/crd/bases/keda.sh_scaledobjects.yaml is generated from them; a trigger's
// metadata is `additionalProperties: {type: string}`).
constexpr StructDef kKeda[] = {
    {"ScaledObject", "apiVersion:string kind:string metadata:ObjectMeta spec:ScaledObjectSpec status:any"},
    {"ScaledObjectSpec",
     "scaleTargetRef:ScaleTarget pollingInterval:int32 initialCooldownPeriod:int32@2.14.0 cooldownPeriod:int32 "
     "idleReplicaCount:int32 minReplicaCount:int32 maxReplicaCount:int32 advanced:AdvancedConfig "
     "triggers:[]ScaleTriggers fallback:Fallback"},
    {"ScaleTarget", "name:string apiVersion:string kind:string envSourceContainerName:string"},
    {"AdvancedConfig",
     "horizontalPodAutoscalerConfig:HorizontalPodAutoscalerConfig restoreToOriginalReplicaCount:bool "
     "scalingModifiers:ScalingModifiers@2.12.0"},
    {"HorizontalPodAutoscalerConfig", "behavior:HorizontalPodAutoscalerBehavior name:string"},
    {"ScalingModifiers", "formula:string target:string activationTarget:string metricType:string"},
    {"ScaleTriggers",
     "type:string name:string useCachedMetrics:bool metadata:map[]string authenticationRef:AuthenticationRef "
     "metricType:string"},
    {"AuthenticationRef", "name:string kind:string"},
    {"Fallback", "failureThreshold:int32 replicas:int32 behavior:string@2.17.0"},
};

// --- kedacore/http-add-on operator/apis/http/v1alpha1/httpscaledobject_types.go, v0.5.0 to v0.15.0 ---
constexpr StructDef kHttpAddOn[] = {
    {"HTTPScaledObject", "apiVersion:string kind:string metadata:ObjectMeta spec:HTTPScaledObjectSpec status:any"},
    {"HTTPScaledObjectSpec",
     "host:string@-0.7.0 hosts:[]string pathPrefixes:[]string headers:[]HTTPHeaderMatch@0.12.0 "
     "scaleTargetRef:HTTPScaleTargetRef coldStartTimeoutFailoverRef:object@0.11.0 replicas:ReplicaStruct "
     "targetPendingRequests:int32 scaledownPeriod:int32 initialCooldownPeriod:int32@0.10.0 "
     "scalingMetric:ScalingMetricSpec@0.8.0 timeouts:HTTPScaledObjectTimeoutsSpec@0.11.0"},
    {"HTTPScaleTargetRef",
     "deployment:string@-0.9.0 name:string@0.7.0 apiVersion:string@0.7.0 kind:string@0.7.0 service:string "
     "port:int32 portName:string@0.9.0"},
    {"HTTPHeaderMatch", "name:string value:string"},
    {"ReplicaStruct", "min:int32 max:int32"},
    {"ScalingMetricSpec", "concurrency:ConcurrencyMetricSpec requestRate:RateMetricSpec"},
    {"ConcurrencyMetricSpec", "targetValue:int64"},
    {"RateMetricSpec", "targetValue:int64 window:string granularity:string"},
    {"HTTPScaledObjectTimeoutsSpec", "conditionWait:string responseHeader:string"},
};

// --- argoproj/argo-cd pkg/apis/application/v1alpha1/types.go, v2.8.0 to v3.3.0 ----------------------
constexpr StructDef kArgoCd[] = {
    {"Application",
     "apiVersion:string kind:string metadata:ObjectMeta spec:ApplicationSpec status:any operation:any"},
    {"ApplicationSpec",
     "source:ApplicationSource destination:ApplicationDestination project:string syncPolicy:SyncPolicy "
     "ignoreDifferences:[]ResourceIgnoreDifferences info:[]Info revisionHistoryLimit:int64 "
     "sources:[]ApplicationSource sourceHydrator:object@2.14.0"},
    {"ApplicationSource",
     "repoURL:string path:string targetRevision:string helm:object kustomize:object directory:object "
     "plugin:object chart:string ref:string name:string@2.14.0"},
    {"ApplicationDestination", "server:string namespace:string name:string"},
    {"SyncPolicy",
     "automated:SyncPolicyAutomated syncOptions:[]string retry:RetryStrategy "
     "managedNamespaceMetadata:ManagedNamespaceMetadata"},
    {"SyncPolicyAutomated", "prune:bool selfHeal:bool allowEmpty:bool enabled:bool@3.1.0"},
    {"RetryStrategy", "limit:int64 backoff:Backoff refresh:bool@3.2.0"},
    {"Backoff", "duration:string factor:int64 maxDuration:string"},
    {"ManagedNamespaceMetadata", "labels:map[]string annotations:map[]string"},
    {"ResourceIgnoreDifferences",
     "group:string kind:string name:string namespace:string jsonPointers:[]string jqPathExpressions:[]string "
     "managedFieldsManagers:[]string"},
    {"Info", "name:string value:string"},
};

// --- fluxcd/kustomize-controller api/v1/kustomization_types.go, v1.9.4 -------------------------------
constexpr StructDef kFlux[] = {
    {"Kustomization", "apiVersion:string kind:string metadata:ObjectMeta spec:KustomizationSpec status:any"},
    {"KustomizationSpec",
     "commonMetadata:CommonMetadata dependsOn:[]object decryption:object interval:string retryInterval:string "
     "kubeConfig:object path:string postBuild:object prune:bool deletionPolicy:string healthChecks:[]object "
     "namePrefix:string nameSuffix:string patches:[]object images:[]object serviceAccountName:string "
     "sourceRef:CrossNamespaceSourceReference suspend:bool targetNamespace:string timeout:string force:bool "
     "wait:bool buildMetadata:[]string components:[]string ignoreMissingComponents:bool "
     "healthCheckExprs:[]object ignore:[]object"},
    {"CommonMetadata", "annotations:map[]string labels:map[]string"},
    {"CrossNamespaceSourceReference", "apiVersion:string kind:string name:string namespace:string"},
};

struct KindDef {
  const char* api_version;
  const char* kind;
  const char* schema;
  const char* component;
};

constexpr KindDef kKinds[] = {
    {"v1", "Pod", "Pod", "kubernetes"},
    {"v1", "Service", "Service", "kubernetes"},
    {"apps/v1", "Deployment", "Deployment", "kubernetes"},
    {"apps/v1", "ReplicaSet", "ReplicaSet", "kubernetes"},
    {"autoscaling/v2", "HorizontalPodAutoscaler", "HorizontalPodAutoscalerV2", "kubernetes"},
    {"autoscaling/v1", "HorizontalPodAutoscaler", "HorizontalPodAutoscalerV1", "kubernetes"},
    {"keda.sh/v1alpha1", "ScaledObject", "ScaledObject", "keda"},
    {"http.keda.sh/v1alpha1", "HTTPScaledObject", "HTTPScaledObject", "http-add-on"},
    {"argoproj.io/v1alpha1", "Application", "Application", "argocd"},
    {"kustomize.toolkit.fluxcd.io/v1", "Kustomization", "Kustomization", "flux"},
};

class Registry {
 public:
  Registry() {
    std::vector<std::pair<StructSchema*, const char*>> pending;
    auto add = [&](const auto& defs) {
      for (const StructDef& d : defs) {
        auto [it, fresh] = structs_.try_emplace(d.name);
        if (!fresh) throw std::logic_error(std::string("field schema: two tables named ") + d.name);
        it->second.name = d.name;
        pending.emplace_back(&it->second, d.fields);
      }
    };
    add(kMetaV1);
    add(kCoreV1);
    add(kAppsV1);
    add(kAutoscaling);
    add(kKeda);
    add(kHttpAddOn);
    add(kArgoCd);
    add(kFlux);
    for (auto& [schema, text] : pending) parse(*schema, text);
    for (const KindDef& k : kKinds)
      kinds_[{k.api_version, k.kind}] = KindSchema{k.component, &lookup(k.schema, "the kinds table")};
  }

  const KindSchema* find(std::string_view api_version, std::string_view kind) const {
    auto it = kinds_.find({std::string(api_version), std::string(kind)});
    return it == kinds_.end() ? nullptr : &it->second;
  }

 private:
  const StructSchema& lookup(const std::string& name, const std::string& user) const {
    auto it = structs_.find(name);
    if (it == structs_.end()) throw std::logic_error("field schema: " + user + " names no table \"" + name + "\"");
    return it->second;
  }

  void parse(StructSchema& s, const char* text) {
    std::istringstream in(text);
    for (std::string token; in >> token;) {
      const auto colon = token.find(':');
      if (colon == std::string::npos) throw std::logic_error("field schema: " + s.name + ": no type in " + token);
      FieldType t;
      std::string type = token.substr(colon + 1);
      if (const auto at = type.find('@'); at != std::string::npos) {
        const std::string range = type.substr(at + 1);
        type.resize(at);
        const auto dash = range.find('-');
        t.since = range.substr(0, dash);
        if (dash != std::string::npos) t.until = range.substr(dash + 1);
      }
      if (type.rfind("[]", 0) == 0) {
        t.container = FieldType::Container::kList;
        type.erase(0, 2);
      } else if (type.rfind("map[]", 0) == 0) {
        t.container = FieldType::Container::kMap;
        type.erase(0, 5);
      }
      static const std::map<std::string, FieldKind> kScalars = {
          {"string", FieldKind::kString},   {"bool", FieldKind::kBoolean},        {"int32", FieldKind::kInt32},
          {"int64", FieldKind::kInt64},     {"float", FieldKind::kFloat},         {"intstr", FieldKind::kIntOrString},
          {"quantity", FieldKind::kQuantity}, {"object", FieldKind::kFreeObject}, {"any", FieldKind::kAny}};
      if (auto k = kScalars.find(type); k != kScalars.end()) {
        t.kind = k->second;
      } else {
        t.kind = FieldKind::kStruct;
        t.fields = &lookup(type, s.name);
      }
      if (!s.fields.emplace(token.substr(0, colon), t).second)
        throw std::logic_error("field schema: " + s.name + ": two fields " + token.substr(0, colon));
    }
  }

  std::map<std::string, StructSchema, std::less<>> structs_;
  std::map<std::pair<std::string, std::string>, KindSchema> kinds_;
};

}  // namespace

const KindSchema* object_schema(std::string_view api_version, std::string_view kind) {
  static const Registry registry;
  return registry.find(api_version, kind);
}

}  // namespace kcsim
