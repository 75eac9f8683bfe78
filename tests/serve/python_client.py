#!/usr/bin/env python3
"""`kcsim serve` driven by the Kubernetes Python client (Debian's python3-kubernetes), issue #18.

Each read is compared with `kcsim kubectl` at the same instant: the client decodes every answer
into its typed models (V1Pod, V1Deployment, V2HorizontalPodAutoscaler, ...), so a field of the
wrong type or a missing required field fails here even where kubectl would print something.
Then writes with --allow-writes (scale, patch, a stale replace, delete), each found under its field
manager, a dry run that changes nothing, a watch during a --speed run (the client's Watch sees the
six-minute loop's pods come and go), paging with limit= and _continue=, and a client with the
wrong token refused with 401. The server is HTTPS; the client verifies it with the kubeconfig's
certificate-authority-data.

Run by CTest (tests/serve/CMakeLists.txt) with KCSIM (the binary) and KCSIM_ROOT (the source tree)
in the environment; exits 77 (skipped) without the kubernetes module.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

try:
    from kubernetes import client, config, watch
except ImportError:
    print("python3-kubernetes is not installed: skipped (apt-get install python3-kubernetes)")
    sys.exit(77)

KCSIM = os.environ["KCSIM"]
SCENARIOS = os.path.join(os.environ["KCSIM_ROOT"], "scenarios")
SCENARIO = os.path.join(SCENARIOS, "six-minute-loop.json")
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def kcsim_kubectl(at, *args, scenario=SCENARIO):
    out = subprocess.run([KCSIM, "kubectl", scenario, "--at", at, "--", *args], check=True, capture_output=True,
                         text=True, timeout=120)
    return out.stdout


class Served:
    """`kcsim serve SCENARIO --at AT [extra]` on a free port, and an ApiClient from its kubeconfig."""

    def __init__(self, at, *extra, scenario=SCENARIO):
        self.dir = tempfile.mkdtemp(prefix="kcsim-pyclient-")
        kubeconfig = os.path.join(self.dir, "kubeconfig")
        self.process = subprocess.Popen([KCSIM, "serve", scenario, "--at", at, "--kubeconfig", kubeconfig, *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self.process.stdout.readline()  # one line when ready (docs/cli.md, kcsim serve)
        if "kcsim serve:" not in ready:
            raise RuntimeError("kcsim serve did not start: " + ready + self.process.stderr.read())
        self.api = config.new_client_from_config(config_file=kubeconfig)

    def close(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def names(items):
    return sorted(f"{i.metadata.namespace}/{i.metadata.name}" for i in items)


def json_names(text):
    return sorted(f"{i['metadata'].get('namespace', '')}/{i['metadata']['name']}" for i in json.loads(text)["items"])


def reads_at_2h():
    served = Served("2h")
    try:
        core = client.CoreV1Api(served.api)
        apps = client.AppsV1Api(served.api)

        pods = core.list_pod_for_all_namespaces().items
        check(names(pods) == json_names(kcsim_kubectl("2h", "get", "pods", "-A", "-o", "json")),
              f"list pods -A: {names(pods)}")
        deployments = apps.list_deployment_for_all_namespaces().items
        expected = json.loads(kcsim_kubectl("2h", "get", "deploy", "-A", "-o", "json"))["items"]
        check(names(deployments) == json_names(json.dumps({"items": expected})), "list deployments -A: the same objects")
        check([d.spec.replicas for d in deployments] == [e["spec"]["replicas"] for e in expected],
              f"deployments' spec.replicas {[d.spec.replicas for d in deployments]}")
        check([d.status.replicas for d in deployments] == [e["status"].get("replicas") for e in expected],
              "deployments' status.replicas")
        replica_sets = apps.list_replica_set_for_all_namespaces().items
        check(names(replica_sets) == json_names(kcsim_kubectl("2h", "get", "rs", "-A", "-o", "json")),
              f"list replicasets -A: {len(replica_sets)}")
        # Debian's client (22.6) predates autoscaling/v2's API class; v2 is v2beta2's GA with the
        # same fields, so the list is decoded into the v2beta2 models from the v2 path.
        hpas = served.api.call_api("/apis/autoscaling/v2/horizontalpodautoscalers", "GET",
                                   response_type="V2beta2HorizontalPodAutoscalerList", auth_settings=["BearerToken"],
                                   _return_http_data_only=True).items
        expected_hpas = json.loads(kcsim_kubectl("2h", "get", "hpa", "-A", "-o", "json"))["items"]
        check(names(hpas) == json_names(json.dumps({"items": expected_hpas})), f"list hpa -A: {names(hpas)}")
        check([h.spec.max_replicas for h in hpas] == [e["spec"]["maxReplicas"] for e in expected_hpas],
              "hpa spec.maxReplicas")
        check([m.external.metric.name for h in hpas for m in h.spec.metrics if m.external] ==
              [m["external"]["metric"]["name"] for e in expected_hpas for m in e["spec"]["metrics"] if "external" in m],
              "hpa external metric names decode")
        events = core.list_event_for_all_namespaces().items
        expected_events = json.loads(kcsim_kubectl("2h", "get", "events", "-A", "-o", "json"))["items"]
        check(len(events) == len(expected_events) and len(events) > 0, f"list events -A: {len(events)}")
        check(sorted(e.reason for e in events) == sorted(e["reason"] for e in expected_events), "events' reasons")

        deployment = deployments[0]
        one = apps.read_namespaced_deployment(deployment.metadata.name, deployment.metadata.namespace)
        check(one.metadata.uid == deployment.metadata.uid and one.metadata.resource_version ==
              deployment.metadata.resource_version, "get deployment: the listed object")
        managers = sorted({m.manager for m in one.metadata.managed_fields or []})
        check("argocd-controller" in managers, f"managedFields decode: {managers}")

        try:
            core.read_namespaced_pod("no-such-pod", "prod")
            check(False, "get of a missing pod raises")
        except client.exceptions.ApiException as e:
            body = json.loads(e.body)
            check(e.status == 404 and body["reason"] == "NotFound" and body["message"] == 'pods "no-such-pod" not found',
                  f"a missing pod: {e.status} {body['message']}")
    finally:
        served.close()


def logs_of_a_restarted_pod():
    # oom-crashloop at 10m: the pod has restarted once; its log now and its previous container's.
    scenario = os.path.join(SCENARIOS, "oom-crashloop.json")
    served = Served("10m", scenario=scenario)
    try:
        core = client.CoreV1Api(served.api)
        pod = core.list_namespaced_pod("prod").items[0]
        name = pod.metadata.name
        check(pod.status.container_statuses[0].restart_count == 1, f"{name} restarted once")
        log = core.read_namespaced_pod_log(name, "prod")
        check(log == kcsim_kubectl("10m", "logs", name, "-n", "prod", scenario=scenario) and "ready" in log,
              f"pod log: {len(log.splitlines())} lines, as kcsim kubectl logs prints them")
        previous = core.read_namespaced_pod_log(name, "prod", previous=True, tail_lines=3, timestamps=True)
        check(previous == kcsim_kubectl("10m", "logs", name, "-n", "prod", "-p", "--tail", "3", "--timestamps",
                                        scenario=scenario) and len(previous.splitlines()) == 3,
              "the previous container's last 3 lines with timestamps")
    finally:
        served.close()


def writes_from_the_client():
    # kubectl-scale at 6m, served with --allow-writes. The client sends a dict body as a strategic
    # merge patch (its default) and names no field manager unless asked, so kube-apiserver (and
    # kcsim) take the User-Agent's first word, "OpenAPI-Generator".
    scenario = os.path.join(SCENARIOS, "kubectl-scale.json")
    served = Served("6m", "--allow-writes", scenario=scenario)
    try:
        apps = client.AppsV1Api(served.api)
        core = client.CoreV1Api(served.api)
        scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 4}})
        check(scale.spec.replicas == 4, "scale through the scale subresource: spec.replicas 4")
        labelled = apps.patch_namespaced_deployment("web", "default", {"metadata": {"labels": {"team": "payments"}}},
                                                    field_manager="oncall-script")
        check(labelled.metadata.labels.get("team") == "payments" and labelled.spec.replicas == 4, "a label patched in")
        owners = {(m.manager, m.operation, m.subresource or "") for m in labelled.metadata.managed_fields}
        check(("OpenAPI-Generator", "Update", "scale") in owners and ("oncall-script", "Update", "") in owners,
              f"managedFields name each writer: {sorted(owners)}")
        stale = labelled
        stale.metadata.resource_version = "1"
        try:
            apps.replace_namespaced_deployment("web", "default", stale)
            check(False, "a replace with a stale resourceVersion is refused")
        except client.exceptions.ApiException as e:
            check(e.status == 409 and json.loads(e.body)["message"] ==
                  'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please '
                  'apply your changes to the latest version and try again', f"a stale replace: {e.status} Conflict")
        # A dry run: answered as if done, nothing changed.
        dry = apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 9}}, dry_run="All")
        check(dry.spec.replicas == 9, "a dry-run patch answers the object as it would be")
        check(apps.read_namespaced_deployment("web", "default").spec.replicas == 4, "and the Deployment keeps its 4 replicas")
        pod = core.list_namespaced_pod("default").items[0].metadata.name
        core.delete_namespaced_pod(pod, "default", grace_period_seconds=0)
        try:
            core.read_namespaced_pod(pod, "default")
            check(False, f"pod {pod} deleted with grace 0 is gone")
        except client.exceptions.ApiException as e:
            check(e.status == 404, f"pod {pod} deleted with grace 0 is gone")
    finally:
        served.close()


def watch_while_running():
    # 300x: the loop's 5-minute period in one second of wall time; 12 s of watching is an hour.
    served = Served("0s", "--speed", "300")
    try:
        core = client.CoreV1Api(served.api)
        seen = {"ADDED": set(), "DELETED": set()}
        for event in watch.Watch().stream(core.list_namespaced_pod, "prod", timeout_seconds=12):
            if event["type"] in seen:
                seen[event["type"]].add(event["object"].metadata.name)
        check(len(seen["ADDED"]) >= 5, f"watch pods -n prod at 300x for 12 s: {len(seen['ADDED'])} pods added")
        check(len(seen["DELETED"]) >= 4 and seen["DELETED"] <= seen["ADDED"],
              f"{len(seen['DELETED'])} deleted, each one seen added")
        check(all(n.startswith("immigranta-backend-") for n in seen["ADDED"]), "the Deployment's pods")
    finally:
        served.close()


def paging_and_the_token():
    # six-minute-loop at 2h: its Events, listed 7 at a time, are the whole list in order.
    served = Served("2h")
    try:
        core = client.CoreV1Api(served.api)
        whole = [f"{e.metadata.namespace}/{e.metadata.name}" for e in core.list_event_for_all_namespaces().items]
        paged, token, pages, first_remaining = [], None, 0, None
        while True:
            page = core.list_event_for_all_namespaces(limit=7, _continue=token) if token else \
                core.list_event_for_all_namespaces(limit=7)
            if pages == 0:
                first_remaining = page.metadata.remaining_item_count
            paged += [f"{e.metadata.namespace}/{e.metadata.name}" for e in page.items]
            pages += 1
            token = page.metadata._continue
            if not token or pages > 1000:
                break
        check(len(whole) > 14 and paged == whole, f"events in pages of 7: {pages} pages, {len(paged)} events, in order")
        check(first_remaining == len(whole) - 7, f"remainingItemCount of the first page: {first_remaining}")

        # A client with another token is refused as kube-apiserver refuses it.
        configuration = client.Configuration()
        configuration.host = served.api.configuration.host
        configuration.ssl_ca_cert = served.api.configuration.ssl_ca_cert  # the server's certificate, from the kubeconfig
        configuration.api_key = {"authorization": "Bearer not-the-token"}
        stranger = client.CoreV1Api(client.ApiClient(configuration))
        try:
            stranger.list_namespaced_pod("prod")
            check(False, "a wrong token is refused")
        except client.exceptions.ApiException as e:
            body = json.loads(e.body)
            check(e.status == 401 and body["reason"] == "Unauthorized" and body["message"] == "Unauthorized",
                  f"a wrong token: {e.status} {body['reason']}")
    finally:
        served.close()


reads_at_2h()
paging_and_the_token()
logs_of_a_restarted_pod()
writes_from_the_client()
watch_while_running()
if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all checks passed")
