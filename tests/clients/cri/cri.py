#!/usr/bin/python3
"""A minimal CRI v1 client for tests/clients/cri.bats: it plays kubelet.

    cri.py SOCKET COMMAND ARGS...

The stubs generated from runtime_v1.proto (grpc_tools.protoc, at test time)
are found through $CRI_STUBS.  Configs are JSON files in the CRI's own field
names (PodSandboxConfig, ContainerConfig, LinuxContainerResources).  Replies
are printed as JSON with the CRI's field names; a failed call prints
"rpc error: code = CODE desc = MESSAGE" (as crictl does) on stderr and exits 3,
so that a test can compare containerd's message verbatim.

Commands:
  version | status
  image-status IMAGE
  up POD.json HANDLER CTR.json...   kubelet's SyncPod: RunPodSandbox,
                                    PodSandboxStatus, then for each container
                                    ImageStatus, CreateContainer, StartContainer;
                                    prints {"pod": ID, "ip": IP, "containers": {NAME: ID}}
  down POD_ID [GRACE]               kubelet's KillPod then its garbage collection:
                                    StopContainer(GRACE) each, StopPodSandbox,
                                    RemoveContainer each, RemovePodSandbox
  runp POD.json [HANDLER] | inspectp ID | stopp ID | rmp ID | pods
  create POD_ID CTR.json POD.json | start ID | inspect ID | stop ID [TIMEOUT] | rm ID
  ps [POD_ID]                       container ids, one a line
  exec ID TIMEOUT CMD...            ExecSync: its stdout/stderr, its exit code
  stream-exec ID CMD...             Exec, then the session through the streaming
                                    server (WebSocket, v4.channel.k8s.io): its
                                    stdout/stderr, its exit code
  attach ID TEXT                    Attach, then reads the container's stdout
                                    through the streaming server until TEXT shows
  port-forward POD PORT DATA TEXT   PortForward to the pod's PORT: sends DATA
                                    (\r\n written as such), reads until TEXT shows
  update ID RESOURCES.json          UpdateContainerResources
  reopenlog ID | stats ID | statsall
"""
import base64
import json
import os
import socket
import struct
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.environ.get("CRI_STUBS", "."))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import runtime_v1_pb2 as pb  # noqa: E402
import runtime_v1_pb2_grpc as pb_grpc  # noqa: E402

# kubelet's default --runtime-request-timeout is 2 minutes; the tests never
# need that long, and a hung call must not hang the test file.
CALL_TIMEOUT = 60


def load(path, message):
    with open(path) as f:
        return json_format.ParseDict(json.load(f), message())


def show(message):
    print(json.dumps(json_format.MessageToDict(message, preserving_proto_field_name=True,
                                                including_default_value_fields=True),
                     indent=1, sort_keys=True))


class Client:
    def __init__(self, socket):
        channel = grpc.insecure_channel("unix://" + socket)
        self.rt = pb_grpc.RuntimeServiceStub(channel)
        self.img = pb_grpc.ImageServiceStub(channel)

    def call(self, stub, method, request, timeout=CALL_TIMEOUT):
        return getattr(stub, method)(request, timeout=timeout)

    def r(self, method, request, timeout=CALL_TIMEOUT):
        return self.call(self.rt, method, request, timeout)

    def up(self, pod_path, handler, ctr_paths):
        pod = load(pod_path, pb.PodSandboxConfig)
        pod_id = self.r("RunPodSandbox", pb.RunPodSandboxRequest(
            config=pod, runtime_handler=handler)).pod_sandbox_id
        status = self.r("PodSandboxStatus", pb.PodSandboxStatusRequest(pod_sandbox_id=pod_id))
        result = {"pod": pod_id, "ip": status.status.network.ip, "containers": {}}
        for path in ctr_paths:
            ctr = load(path, pb.ContainerConfig)
            image = self.call(self.img, "ImageStatus", pb.ImageStatusRequest(image=ctr.image))
            if not image.image.id:
                # kubelet would pull here; the tests import their images offline
                raise SystemExit("cri.py: image %s is not present" % ctr.image.image)
            cid = self.r("CreateContainer", pb.CreateContainerRequest(
                pod_sandbox_id=pod_id, config=ctr, sandbox_config=pod)).container_id
            self.r("StartContainer", pb.StartContainerRequest(container_id=cid))
            result["containers"][ctr.metadata.name] = cid
        print(json.dumps(result))

    def container_ids(self, pod_id=""):
        reply = self.r("ListContainers", pb.ListContainersRequest(
            filter=pb.ContainerFilter(pod_sandbox_id=pod_id)))
        return [c.id for c in reply.containers]

    def down(self, pod_id, grace):
        ids = self.container_ids(pod_id)
        for cid in ids:
            self.r("StopContainer", pb.StopContainerRequest(container_id=cid, timeout=grace),
                   timeout=CALL_TIMEOUT + grace)
        self.r("StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=pod_id))
        for cid in ids:
            self.r("RemoveContainer", pb.RemoveContainerRequest(container_id=cid))
        self.r("RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=pod_id))


class Stream:
    """A session with containerd's streaming server (kubelet's streaming
    library) over WebSocket, protocol v4.channel.k8s.io: every message's first
    byte is its channel (1 stdout, 2 stderr, 3 the final status as a JSON
    metav1.Status).  Port forwarding uses channels 0 (data) and 1 (errors) of
    its one port, each opened by a message holding the port number."""

    def __init__(self, url, timeout):
        u = urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                           "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
                           % (u.path, u.netloc, key)).encode())
        self.f = self.sock.makefile("rb")
        status = self.f.readline()
        if b" 101 " not in status:
            raise SystemExit("cri.py: the streaming server refused the WebSocket: %r" % status)
        while self.f.readline() not in (b"\r\n", b""):
            pass
        self.data = {0: b"", 1: b"", 2: b"", 3: b""}

    def message(self):
        """Reads one message into its channel; False at the end of the session."""
        head = self.f.read(2)
        if len(head) < 2:
            return False
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack(">H", self.f.read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self.f.read(8))[0]
        if head[1] & 0x80:
            self.f.read(4)  # a server never masks; skip a key anyway
        payload = self.f.read(length)
        if opcode == 8:  # close
            return False
        if opcode in (1, 2) and payload:
            self.data[payload[0]] = self.data.get(payload[0], b"") + payload[1:]
        return True

    def send(self, channel, data):
        """Writes one binary message; a client masks what it sends (RFC 6455)."""
        payload = bytes([channel]) + data
        key = os.urandom(4)
        head = bytes([0x82])
        if len(payload) < 126:
            head += bytes([0x80 | len(payload)])
        else:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        self.sock.sendall(head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload)))

    def exit_code(self):
        if not self.data[3]:
            return 0
        status = json.loads(self.data[3])
        if status.get("status") == "Success":
            return 0
        for cause in status.get("details", {}).get("causes", []):
            if cause.get("reason") == "ExitCode":
                return int(cause["message"])
        print("cri.py: %s" % status.get("message"), file=sys.stderr)
        return 1


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    c = Client(argv[1])
    cmd, args = argv[2], argv[3:]
    if cmd == "version":
        show(c.r("Version", pb.VersionRequest(version="v1")))
    elif cmd == "status":
        show(c.r("Status", pb.StatusRequest(verbose=False)))
    elif cmd == "image-status":
        show(c.call(c.img, "ImageStatus", pb.ImageStatusRequest(image=pb.ImageSpec(image=args[0]))))
    elif cmd == "up":
        c.up(args[0], args[1], args[2:])
    elif cmd == "down":
        c.down(args[0], int(args[1]) if len(args) > 1 else 30)
    elif cmd == "runp":
        print(c.r("RunPodSandbox", pb.RunPodSandboxRequest(
            config=load(args[0], pb.PodSandboxConfig),
            runtime_handler=args[1] if len(args) > 1 else "")).pod_sandbox_id)
    elif cmd == "inspectp":
        show(c.r("PodSandboxStatus", pb.PodSandboxStatusRequest(pod_sandbox_id=args[0], verbose=True)))
    elif cmd == "stopp":
        c.r("StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=args[0]))
    elif cmd == "rmp":
        c.r("RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]))
    elif cmd == "pods":
        for p in c.r("ListPodSandbox", pb.ListPodSandboxRequest()).items:
            print(p.id)
    elif cmd == "create":
        print(c.r("CreateContainer", pb.CreateContainerRequest(
            pod_sandbox_id=args[0], config=load(args[1], pb.ContainerConfig),
            sandbox_config=load(args[2], pb.PodSandboxConfig))).container_id)
    elif cmd == "start":
        c.r("StartContainer", pb.StartContainerRequest(container_id=args[0]))
    elif cmd == "inspect":
        show(c.r("ContainerStatus", pb.ContainerStatusRequest(container_id=args[0], verbose=True)))
    elif cmd == "stop":
        grace = int(args[1]) if len(args) > 1 else 0
        c.r("StopContainer", pb.StopContainerRequest(container_id=args[0], timeout=grace),
            timeout=CALL_TIMEOUT + grace)
    elif cmd == "rm":
        c.r("RemoveContainer", pb.RemoveContainerRequest(container_id=args[0]))
    elif cmd == "ps":
        for cid in c.container_ids(args[0] if args else ""):
            print(cid)
    elif cmd == "exec":
        timeout = int(args[1])
        reply = c.r("ExecSync", pb.ExecSyncRequest(container_id=args[0], cmd=args[2:], timeout=timeout),
                    timeout=CALL_TIMEOUT + timeout)
        sys.stdout.buffer.write(reply.stdout)
        sys.stderr.buffer.write(reply.stderr)
        sys.exit(reply.exit_code)
    elif cmd == "stream-exec":
        url = c.r("Exec", pb.ExecRequest(container_id=args[0], cmd=args[1:], stdout=True, stderr=True)).url
        stream = Stream(url, CALL_TIMEOUT)
        while stream.message():
            pass
        sys.stdout.buffer.write(stream.data[1])
        sys.stderr.buffer.write(stream.data[2])
        sys.exit(stream.exit_code())
    elif cmd == "attach":
        url = c.r("Attach", pb.AttachRequest(container_id=args[0], stdout=True, stderr=True)).url
        stream = Stream(url, CALL_TIMEOUT)
        while args[1].encode() not in stream.data[1]:
            if not stream.message():
                sys.exit("cri.py: the attach session ended before %r" % args[1])
        sys.stdout.buffer.write(stream.data[1])
    elif cmd == "port-forward":
        url = c.r("PortForward", pb.PortForwardRequest(pod_sandbox_id=args[0], port=[int(args[1])])).url
        stream = Stream(url, CALL_TIMEOUT)
        # both channels first carry the port number (2 bytes, little endian)
        while len(stream.data.get(0, b"")) < 2 or len(stream.data.get(1, b"")) < 2:
            if not stream.message():
                sys.exit("cri.py: the port-forward session ended before it opened")
        stream.data[0] = stream.data[0][2:]
        stream.send(0, args[2].replace("\\r\\n", "\r\n").encode())
        while args[3].encode() not in stream.data[0]:
            if not stream.message() or len(stream.data[1]) > 2:
                sys.exit("cri.py: port-forward: %r" % stream.data[1][2:])
        sys.stdout.buffer.write(stream.data[0])
    elif cmd == "update":
        c.r("UpdateContainerResources", pb.UpdateContainerResourcesRequest(
            container_id=args[0], linux=load(args[1], pb.LinuxContainerResources)))
    elif cmd == "reopenlog":
        c.r("ReopenContainerLog", pb.ReopenContainerLogRequest(container_id=args[0]))
    elif cmd == "stats":
        show(c.r("ContainerStats", pb.ContainerStatsRequest(container_id=args[0])))
    elif cmd == "statsall":
        show(c.r("ListContainerStats", pb.ListContainerStatsRequest()))
    else:
        sys.exit("cri.py: unknown command %s" % cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except grpc.RpcError as e:
        print("rpc error: code = %s desc = %s" % (e.code().name, e.details()), file=sys.stderr)
        sys.exit(3)
    except socket.timeout:
        sys.exit("cri.py: the streaming session timed out")
