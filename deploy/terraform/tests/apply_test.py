"""The module applied for real, against moto's server on 127.0.0.1 (run by ./apply): init from the
committed lock file and a filesystem mirror, validate, plan, apply, plan again (it must be empty:
-detailed-exitcode 0), what exists checked with boto3, destroy, and nothing left. Two variants,
applied at the same time (each against its own moto), because the provider spends a fixed 55 s
waiting for the lifecycle configuration to settle:

  apply [VARIANT ...]     the variants named (default: both)

ctest runs each variant once: terraform.apply runs al2023+vpce+queue; ansible.seed_flow
(tests/seed_flow) runs al2 through run_variant() with the playbook as its step between the checks
and destroy, so that one apply cycle serves both.

  al2          the defaults the requirement asks for: t3.micro, Amazon Linux 2, an imported
               public key, SSH and HTTPS from two different CIDR lists
  al2023+vpce+queue
               Amazon Linux 2023, the S3 gateway endpoint, an existing key pair (left alone by
               destroy), HTTPS from the SSH CIDRs, and t2.micro (not EBS-optimizable: the module
               must not ask for it); queue mode: enable_event_queue with two instances, the
               queue, its dead-letter queue and policies, the bucket notification, the role's SQS
               policy, and moto itself delivering an S3 event into the queue (and a message
               that is never deleted reaching the dead-letter queue)

moto differs from AWS in a few places that matter here; moto_server.py patches them and says why.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from urllib.parse import unquote_plus

import moto
import moto_server
import tf_harness as h

REGION = "us-east-1"
AMAZON_OWNER_ID = "137112412989"  # owner of the Amazon Linux AMIs (alias "amazon")
SSH_CIDRS = ["203.0.113.7/32", "192.0.2.0/24"]
HTTPS_CIDRS = ["198.51.100.0/24"]
EXISTING_KEY = "operator-key"

# Terraform's own summary lines, shown live; everything else is in the logs.
SHOW = (r"^Plan: ", r"Apply complete!", r"^No changes\.", r"Destroy complete!", r"Warning:",
        r"Error:")


class Checks:
    def __init__(self, prefix):
        self.prefix = prefix
        self.failures = []

    def that(self, cond, what, detail=""):
        if cond:
            h.say(self.prefix, f"ok: {what}")
        else:
            self.failures.append(f"{what}{': ' + detail if detail else ''}")
            h.say(self.prefix, f"FAILED: {what}{': ' + detail if detail else ''}")

    def equal(self, got, want, what):
        self.that(got == want, what, f"got {got!r}, want {want!r}")


def public_key(work_dir):
    key = os.path.join(work_dir, "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "s3proc-test", "-f", key],
                   check=True)
    return key


def tfvars(**values):
    return "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())


# ---- what apply must have created -------------------------------------------------------------

def check_bucket(c, moto, bucket):
    s3 = moto.client("s3")
    c.that(bucket.startswith("s3proc-"), f"bucket {bucket} named after var.name")
    c.equal(s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Enabled", "bucket versioning")
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    c.equal(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256",
            "default encryption SSE-S3")
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    c.equal(pab, {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                  "RestrictPublicBuckets": True}, "public access block: all four on")
    c.equal(s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"],
            [{"ObjectOwnership": "BucketOwnerEnforced"}], "ACLs disabled (BucketOwnerEnforced)")

    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    arn = f"arn:aws:s3:::{bucket}"
    conditions = sorted(json.dumps(s.get("Condition"), sort_keys=True) for s in policy["Statement"])
    c.equal(conditions, sorted([json.dumps({"Bool": {"aws:SecureTransport": "false"}}),
                                json.dumps({"NumericLessThan": {"s3:TlsVersion": "1.2"}})]),
            "bucket policy: deny without TLS and below TLS 1.2")
    for s in policy["Statement"]:
        c.that(s["Effect"] == "Deny" and s["Principal"] in ("*", {"AWS": "*"})
               and s["Action"] in ("s3:*", ["s3:*"])
               and sorted(s["Resource"]) == sorted([arn, arn + "/*"]),
               f"bucket policy {s.get('Sid')}: Deny s3:* to everybody on the bucket and its objects",
               json.dumps(s))
    # The negative control of the TLS-only policy, with the same evaluation moto now uses.
    obj = arn + "/input/x.json"
    c.that(moto_server.deny_applies(policy, "s3:GetObject", obj,
                                    {"aws:securetransport": "false", "s3:tlsversion": "1.3"}),
           "negative control: a request without TLS is denied")
    c.that(moto_server.deny_applies(policy, "s3:PutObject", obj,
                                    {"aws:securetransport": "true", "s3:tlsversion": "1.1"}),
           "negative control: a request over TLS 1.1 is denied")
    c.that(not moto_server.deny_applies(policy, "s3:GetObject", obj,
                                        moto_server.TLS_REQUEST_CONTEXT),
           "a request over TLS 1.3 is not denied by the bucket policy")

    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    c.equal(sorted(rules), ["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"],
            "lifecycle rules")
    abort = rules.get("abort-incomplete-multipart-uploads", {})
    c.equal((abort.get("Status"), abort.get("AbortIncompleteMultipartUpload")),
            ("Enabled", {"DaysAfterInitiation": 7}), "lifecycle: abort incomplete uploads after 7 days")
    expire = rules.get("expire-noncurrent-versions", {})
    c.equal((expire.get("Status"), expire.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
             expire.get("Expiration", {}).get("ExpiredObjectDeleteMarker")),
            ("Enabled", 30, True),
            "lifecycle: noncurrent versions expire after 30 days, expired delete markers removed")

    objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    c.equal(sorted((o["Key"], o["Size"]) for o in objects),
            [("errors/", 0), ("input/", 0), ("output/", 0)], "the three folder markers, empty")
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    c.that(tags.get("Project") == "s3proc" and tags.get("ManagedBy") == "terraform"
           and tags.get("Environment") == "test", "bucket tags (module and default_tags)", str(tags))


def check_instances(c, moto, outputs, state, want):
    """Every instance as check_instance wants it, all alike: one profile, group, key, subnet."""
    ids = outputs["instance_ids"]
    c.equal(len(ids), want["instance_count"], f"{want['instance_count']} instance(s) (instance_count)")
    c.equal(outputs["instance_id"], ids[0], "instance_id is the first of instance_ids")
    insts = [check_instance(c, moto, outputs, state, want, i, ids[i]) for i in range(len(ids))]
    alike = {(inst["IamInstanceProfile"]["Arn"], tuple(g["GroupId"] for g in inst["SecurityGroups"]),
              inst.get("KeyName"), inst["SubnetId"], inst["ImageId"]) for inst in insts}
    c.that(len(alike) == 1, "every instance has the same instance profile, security group, key "
                            "pair, subnet and AMI", str(alike))
    c.equal([t["Value"] for inst in insts for t in inst.get("Tags", []) if t["Key"] == "Name"],
            [f"s3proc-{i + 1}" for i in range(len(ids))], "Name tags s3proc-1 .. s3proc-N")
    return insts[0]


def check_instance(c, moto, outputs, state, want, index, instance_id):
    ec2 = moto.client("ec2")
    iam = moto.client("iam")
    inst = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    if index > 0:  # the role and its policies are checked on the first; the rest must share them
        c.equal(inst["State"]["Name"], "running", f"instance {index + 1} ({instance_id}) running")
        host = f"ansible_host: \"{inst.get('PublicIpAddress')}\""
        c.that(f"\n        s3proc-{index + 1}:\n" in outputs["ansible_inventory"]
               and host in outputs["ansible_inventory"],
               f"ansible_inventory lists s3proc-{index + 1} at its address")
        return inst
    c.equal(inst["State"]["Name"], "running", "instance running")
    c.equal(inst["InstanceType"], want["instance_type"], "instance type")
    image = ec2.describe_images(ImageIds=[inst["ImageId"]])["Images"][0]
    c.equal(image["OwnerId"], AMAZON_OWNER_ID, f"AMI {inst['ImageId']} owned by Amazon")
    c.that(image["Name"].startswith(want["ami_name_prefix"]),
           f"AMI is {want['ami_name_prefix']}*", image["Name"])
    md = inst["MetadataOptions"]
    c.equal((md["HttpEndpoint"], md["HttpTokens"], md["HttpPutResponseHopLimit"]),
            ("enabled", "required", 1), "IMDSv2 required, hop limit 1")
    c.equal(inst.get("EbsOptimized"), want["ebs_optimized"], "EBS-optimized as the type allows")
    c.equal(inst["Monitoring"]["State"], "disabled", "detailed monitoring off (billed)")
    root = [m for m in inst["BlockDeviceMappings"] if m["DeviceName"] == inst["RootDeviceName"]]
    c.equal(len(root), 1, "one root device")
    if root:
        vol = ec2.describe_volumes(VolumeIds=[root[0]["Ebs"]["VolumeId"]])["Volumes"][0]
        c.equal((vol["Encrypted"], vol["VolumeType"], vol["Size"]), (True, "gp3", 8),
                "root volume encrypted gp3, 8 GiB")
        c.equal(root[0]["Ebs"]["DeleteOnTermination"], True, "root volume deleted with the instance")
    user_data = ec2.describe_instance_attribute(InstanceId=inst["InstanceId"], Attribute="userData")
    c.that(not user_data.get("UserData", {}).get("Value"), "no user data")

    # Key pair.
    c.equal(inst.get("KeyName"), want["key_name"] or inst.get("KeyName"), "the given key pair")
    pairs = {k["KeyName"]: k for k in ec2.describe_key_pairs()["KeyPairs"]}
    c.that(inst.get("KeyName") in pairs, f"key pair {inst.get('KeyName')} attached and exists")
    if want["key_name"] is None:
        c.that(inst.get("KeyName", "").startswith("s3proc-"), "imported key pair named after var.name")

    # Security group: on the instance and on its primary network interface.
    groups = [g["GroupId"] for g in inst["SecurityGroups"]]
    c.equal(len(groups), 1, "one security group on the instance")
    eni = [n for n in inst["NetworkInterfaces"] if n["Attachment"]["DeviceIndex"] == 0][0]
    c.equal([g["GroupId"] for g in eni["Groups"]], groups, "the same group on the primary interface")
    c.that(bool(inst.get("PublicIpAddress")), "a public IPv4 address")
    if groups:
        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": groups}])["SecurityGroupRules"]
        ingress = sorted((r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"])
                         for r in rules if not r["IsEgress"])
        egress = sorted((r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"])
                        for r in rules if r["IsEgress"])
        c.equal(ingress, sorted([("tcp", 22, 22, x) for x in SSH_CIDRS]
                                + [("tcp", 443, 443, x) for x in want["https_cidrs"]]),
                "ingress: 22 from the SSH CIDRs, 443 from the HTTPS CIDRs, nothing else")
        c.equal(egress, sorted([("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 443, 443, "0.0.0.0/0")]),
                "egress: TCP 80 and 443 only")

    # The instance profile's role holds exactly the module's policy.
    profile_name = inst["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1]
    profile = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    roles = profile["Roles"]
    c.equal(len(roles), 1, f"instance profile {profile_name} holds one role")
    if roles:
        role = roles[0]["RoleName"]
        c.equal(roles[0]["Arn"], outputs["iam_role_arn"], "the role the module outputs")
        assume = roles[0]["AssumeRolePolicyDocument"]
        assume = json.loads(assume) if isinstance(assume, str) else assume
        c.equal([(s["Effect"], s["Action"], s["Principal"]) for s in assume["Statement"]],
                [("Allow", "sts:AssumeRole", {"Service": "ec2.amazonaws.com"})],
                "only EC2 may assume the role")
        c.equal(iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"], [],
                "no managed policy attached")
        c.equal(sorted(iam.list_role_policies(RoleName=role)["PolicyNames"]),
                ["s3proc-bucket-access"] + (["s3proc-queue-access"] if want["queue"] else []),
                "the bucket's inline policy" + (" and the queue's" if want["queue"] else ", no other"))
        doc = iam.get_role_policy(RoleName=role, PolicyName="s3proc-bucket-access")["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        rendered = json.loads(state["module.s3proc.data.aws_iam_policy_document.s3proc"]["json"])
        c.equal(doc, rendered, "the role's policy is exactly the document the module renders")
        arns = {r for s in doc["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str)
                                                      else s["Resource"])}
        bucket_arn = f"arn:aws:s3:::{outputs['bucket_name']}"
        c.that(all(a == bucket_arn or a.startswith(bucket_arn + "/") for a in arns),
               "the policy names only the s3proc bucket", str(sorted(arns)))

    # The inventory Ansible gets.
    inv = outputs["ansible_inventory"]
    host = f"ansible_host: \"{inst.get('PublicIpAddress')}\""
    c.that("\n        s3proc-1:\n" in inv and host in inv
           and f"s3proc_bucket: \"{outputs['bucket_name']}\"" in inv
           and f"s3proc_region: \"{REGION}\"" in inv and "ansible_user: \"ec2-user\"" in inv,
           "ansible_inventory names the instance, the bucket and the region", inv)
    queue_url = outputs.get("queue_url") or ""
    c.equal(inv.count(f"s3proc_queue_url: {json.dumps(queue_url)}\n"), want["instance_count"],
            "ansible_inventory passes s3proc_queue_url to every host"
            + (" (the queue's URL)" if queue_url else " (empty: no queue)"))
    return inst


def check_no_queue(c, moto, outputs, state):
    c.equal(moto.client("sqs").list_queues().get("QueueUrls", []), [], "no SQS queue unless asked for")
    conf = moto.client("s3").get_bucket_notification_configuration(Bucket=outputs["bucket_name"])
    c.equal({k: v for k, v in conf.items() if k != "ResponseMetadata"}, {}, "no bucket notification")
    c.equal((outputs.get("queue_url"), outputs.get("queue_arn"), outputs.get("dead_letter_queue_url")),
            (None, None, None), "queue outputs null")
    c.equal([a for a in state if "sqs" in a or "notification" in a or a.endswith(".queue[0]")], [],
            "nothing of the queue in the state")


def policy_doc(v):
    return json.loads(v) if isinstance(v, str) else v


def check_queue(c, moto, outputs, state, want):
    """The queue, its dead-letter queue and their policies, the notification, the role's SQS
    policy; then moto delivers an event and redrives a message no worker deletes."""
    sqs = moto.client("sqs")
    s3 = moto.client("s3")
    iam = moto.client("iam")
    bucket = outputs["bucket_name"]
    url, arn, dlq_url = outputs["queue_url"], outputs["queue_arn"], outputs["dead_letter_queue_url"]
    c.equal(sorted(sqs.list_queues().get("QueueUrls", [])), sorted([url, dlq_url]),
            "two queues: the event queue and its dead-letter queue")
    q = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    account = moto.client("sts").get_caller_identity()["Account"]
    c.equal(q["QueueArn"], arn, "queue_arn is the queue's")
    c.that(url.rsplit("/", 1)[-1].startswith("s3proc-events-")
           and dlq_url.rsplit("/", 1)[-1].startswith("s3proc-events-dlq-"), "queues named after var.name")
    c.equal((q.get("SqsManagedSseEnabled"), dlq.get("SqsManagedSseEnabled")), ("true", "true"),
            "SSE-SQS on both queues")
    c.equal((q["VisibilityTimeout"], q["ReceiveMessageWaitTimeSeconds"], q["MessageRetentionPeriod"]),
            (str(want["visibility"]), "20", str(4 * 86400)),
            f"queue: visibility {want['visibility']} s (the variable), long polling 20 s, 4 days' retention")
    c.equal(dlq["MessageRetentionPeriod"], str(14 * 86400), "dead-letter queue keeps messages 14 days")
    c.equal(policy_doc(q.get("RedrivePolicy")),
            {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": want["max_receive_count"]},
            f"RedrivePolicy: to the dead-letter queue after {want['max_receive_count']} receives")
    c.equal(policy_doc(dlq.get("RedriveAllowPolicy")),
            {"redrivePermission": "byQueue", "sourceQueueArns": [arn]},
            "RedriveAllowPolicy: only the event queue may redrive into the DLQ")

    # Who may send: S3 for this bucket in this account; nobody without TLS.
    policy = policy_doc(q.get("Policy"))
    by_effect = {}
    for st in policy["Statement"]:
        by_effect.setdefault(st["Effect"], []).append(st)
    allow = by_effect.get("Allow", [{}])
    c.equal([(st.get("Principal"), st.get("Action"), st.get("Resource"), st.get("Condition"))
             for st in allow],
            [({"Service": "s3.amazonaws.com"}, "sqs:SendMessage", arn,
              {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
               "StringEquals": {"aws:SourceAccount": account}})],
            "queue policy: only s3.amazonaws.com may SendMessage, for this bucket in this account")
    tls_deny = [("*", "sqs:*", arn, {"Bool": {"aws:SecureTransport": "false"}})]
    c.equal([(st.get("Principal"), st.get("Action"), st.get("Resource"), st.get("Condition"))
             for st in by_effect.get("Deny", [])], tls_deny, "queue policy: deny without TLS")
    dlq_policy = policy_doc(dlq.get("Policy") or '{"Statement": []}')
    c.equal([(st["Effect"], st.get("Principal"), st.get("Action"), st.get("Resource"), st.get("Condition"))
             for st in dlq_policy["Statement"]],
            [("Deny", "*", "sqs:*", dlq["QueueArn"], {"Bool": {"aws:SecureTransport": "false"}})],
            "DLQ policy: deny without TLS, nothing else")

    conf = s3.get_bucket_notification_configuration(Bucket=bucket)
    c.equal([(qc.get("Id"), qc["QueueArn"], qc["Events"], qc.get("Filter"))
             for qc in conf.get("QueueConfigurations", [])],
            [("s3proc-input", arn, ["s3:ObjectCreated:*"],
              {"Key": {"FilterRules": [{"Name": "prefix", "Value": "input/"}]}})],
            "bucket notification: s3:ObjectCreated:* under input/ to the queue")
    c.equal([k for k in conf if k not in ("QueueConfigurations", "ResponseMetadata")], [],
            "no other notification (topic, lambda, EventBridge)")

    # The role: exactly the five consumer actions on the queue, two read actions on the DLQ.
    role = outputs["iam_role_arn"].rsplit("/", 1)[-1]
    doc = policy_doc(iam.get_role_policy(RoleName=role, PolicyName="s3proc-queue-access")["PolicyDocument"])
    c.equal(doc, json.loads(state["module.s3proc.data.aws_iam_policy_document.queue[0]"]["json"]),
            "the role's queue policy is exactly the document the module renders")
    grants = sorted((st["Effect"], st["Resource"], tuple(sorted(st["Action"]))) for st in doc["Statement"])
    c.equal(grants, sorted([
        ("Allow", arn, tuple(sorted(["sqs:ReceiveMessage", "sqs:DeleteMessage",
                                     "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
                                     "sqs:GetQueueUrl"]))),
        ("Allow", dlq["QueueArn"], ("sqs:GetQueueAttributes", "sqs:GetQueueUrl")),
    ]), "role's SQS statements: the consumer's five actions on the queue, GetQueueAttributes and "
        "GetQueueUrl on the DLQ, no other resource")

    # End to end: moto's S3 delivers the event. Configuring the notification sent an
    # s3:TestEvent first; the folder markers were written before it, so they sent nothing.
    def drain(queue_url, **kw):
        bodies = []
        while True:
            got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                      **kw).get("Messages", [])
            if not got:
                return bodies
            for m in got:
                bodies.append(json.loads(m["Body"]))
                if not kw:
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])

    before = drain(url)
    c.equal([b.get("Event") for b in before], ["s3:TestEvent"],
            "before any upload the queue holds only S3's s3:TestEvent (no event for the folder markers)")
    key = "input/e2e a+b.json"
    s3.put_object(Bucket=bucket, Key="other/outside.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key=key, Body=b'{"a": 1}')
    events = drain(url)
    records = [r for b in events for r in b.get("Records", [])]
    # The key is form-encoded (space as +, + as %2B); moto also encodes the / (%2F), AWS does not.
    c.equal([(r["eventName"], r["s3"]["bucket"]["name"], unquote_plus(r["s3"]["object"]["key"]),
              r["s3"]["object"]["key"].replace("%2F", "/"), r["s3"]["object"]["size"])
             for r in records],
            [("ObjectCreated:Put", bucket, key, "input/e2e+a%2Bb.json", 8)],
            "a PutObject under input/ arrives as one ObjectCreated:Put record (key URL-encoded); "
            "the key outside input/ sends nothing")

    # A message no worker deletes reaches the dead-letter queue after maxReceiveCount receives.
    s3.put_object(Bucket=bucket, Key="input/poison.json", Body=b"x")
    receives = 0
    for _ in range(want["max_receive_count"] + 2):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                  VisibilityTimeout=0).get("Messages", [])
        receives += len(got)
        if not got:
            break
    dead = drain(dlq_url)
    c.that(receives == want["max_receive_count"] and
           [unquote_plus(r["s3"]["object"]["key"]) for b in dead for r in b.get("Records", [])]
           == ["input/poison.json"],
           f"a message received {want['max_receive_count']} times and never deleted is in the "
           "dead-letter queue", f"{receives} receives, DLQ: {dead}")

    # The objects written here are removed (every version), so destroy finds the bucket as it made it.
    versions = s3.list_object_versions(Bucket=bucket)
    for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        if v["Key"] not in ("input/", "output/", "errors/"):
            s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])


def check_operator_policy(c, moto, outputs, state, want):
    """create_operator_policy: the managed policy IAM holds is the module's document (with the
    queue's read-only counts in queue mode), and nothing is attached to it."""
    arn = outputs.get("operator_policy_arn")
    if not want["operator_policy"]:
        c.equal(arn, None, "no operator policy unless asked for")
        return
    iam = moto.client("iam")
    c.equal(arn, state["module.s3proc.aws_iam_policy.operator[0]"]["arn"],
            "operator_policy_arn is the module's managed policy")
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    doc = policy_doc(iam.get_policy_version(PolicyArn=arn, VersionId=version)
                     ["PolicyVersion"]["Document"])
    rendered = json.loads(state["module.s3proc.data.aws_iam_policy_document.operator[0]"]["json"])
    c.equal(doc, rendered, "the operator policy is exactly the document the module renders")
    sids = sorted(st.get("Sid") for st in doc["Statement"])
    queue_sids = ["CountDeadLetters", "CountQueue"] if want["queue"] else []
    c.equal(sids, sorted(["ListOwnPrefixes", "RedriveFromErrors", "RedriveIntoInput", *queue_sids]),
            "operator policy: listing, redrive's two statements"
            + (", the queue's counts" if want["queue"] else ""))
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    c.equal([entities.get(k, []) for k in ("PolicyGroups", "PolicyUsers", "PolicyRoles")],
            [[], [], []], "the operator policy is attached to nothing (operators attach it)")


def check_vpc_endpoint(c, moto, outputs, inst):
    ec2 = moto.client("ec2")
    ep_id = outputs.get("s3_vpc_endpoint_id")
    c.that(bool(ep_id), "s3_vpc_endpoint_id is set")
    if not ep_id:
        return
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]
    main = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [inst["VpcId"]]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    c.equal((ep["ServiceName"], ep["VpcEndpointType"], ep["VpcId"]),
            (f"com.amazonaws.{REGION}.s3", "Gateway", inst["VpcId"]),
            "S3 gateway endpoint in the instance's VPC")
    c.equal(ep["RouteTableIds"], [t["RouteTableId"] for t in main],
            "on the VPC's main route table")


def check_nothing_left(c, moto, want):
    ec2 = moto.client("ec2")
    iam = moto.client("iam")
    c.equal([b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]], [], "no bucket left")
    states = [i["State"]["Name"] for r in ec2.describe_instances()["Reservations"]
              for i in r["Instances"]]
    c.that(all(s == "terminated" for s in states), "every instance terminated", str(states))
    c.equal([g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]
             if g["GroupName"] != "default"], [], "no security group left")
    c.equal(sorted(k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]),
            [EXISTING_KEY] if want["key_name"] else [],
            "no key pair left (an existing one is left alone)")
    c.equal([r["RoleName"] for r in iam.list_roles()["Roles"]], [], "no IAM role left")
    c.equal([p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]], [],
            "no managed policy left")
    c.equal([p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]], [],
            "no instance profile left")
    c.equal(moto.client("sqs").list_queues().get("QueueUrls", []), [], "no SQS queue left")
    eps = [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
           if e["State"].lower() not in ("deleted", "deleting")]
    c.equal(eps, [], "no VPC endpoint left")


def check_graviton_plan(c, moto, tf, want):
    """A Graviton instance type takes the arm64 image of the same release by itself (plan only:
    the image is read at plan time); forcing x86_64 onto it is refused at plan time."""
    graviton = ["-var", "instance_type=t4g.micro"]
    tf.run("plan-graviton", "plan", "-input=false", "-out=graviton.tfplan", *tf.vars(), *graviton)
    tf.run("show-graviton", "show", "-json", "graviton.tfplan")
    changes = json.loads(tf.last_stdout)["resource_changes"]
    after = next(rc["change"]["after"] for rc in changes if rc["type"] == "aws_instance")
    c.equal(after["instance_type"], "t4g.micro", "Graviton plan: instance type")
    image = moto.client("ec2").describe_images(ImageIds=[after["ami"]])["Images"][0]
    c.equal(image["Architecture"], "arm64", f"Graviton plan: AMI {after['ami']} is arm64")
    c.equal(image["OwnerId"], AMAZON_OWNER_ID, "Graviton plan: AMI owned by Amazon")
    c.that(image["Name"].startswith(want["ami_name_prefix"]) and "arm64" in image["Name"],
           f"Graviton plan: AMI is {want['ami_name_prefix']}*arm64*", image["Name"])
    code, out = tf.run("plan-graviton-x86", "plan", "-input=false", *tf.vars(), *graviton,
                       "-var", "architecture=x86_64", ok=(1,))
    c.that("does not run on t4g.micro" in out, "x86_64 forced onto t4g.micro is refused at plan",
           out[-2000:])


# ---- one variant, start to end ----------------------------------------------------------------

def check_plan_warnings(c, out, want):
    """A plan warns of nothing, except Amazon Linux 2's end of support when it is chosen."""
    eol = "Amazon Linux 2 reached end of support on 2026-06-30"
    warnings = out.count("Warning:")
    if want["amazon_linux"] == "2":
        text = " ".join(out.split())  # terraform wraps the message's lines
        c.that(eol in text and "amazon_linux_version = \"2023\"" in text,
               "plan: Amazon Linux 2's end-of-support warning, with how to move", out[-3000:])
        c.equal(warnings, 1, "plan: that warning and no other")
    else:
        c.equal(warnings, 0, "plan: no warnings")


def run_variant(label, mirror, make_vars, want, result, before_destroy=None):
    """Runs one variant start to end; result["failures"] lists what failed (empty: passed).
    before_destroy(c, moto, tf, outputs), when given, runs once every check of the applied
    infrastructure has run, and before destroy (which runs whatever it does)."""
    prefix = f"[{label}] "
    c = Checks(prefix)
    work = h.new_work_dir(f"apply-{label.replace('+', '-')}")
    result["work"] = work
    try:
        with h.Moto(work) as moto:
            if want["key_name"]:
                key = public_key(work)
                moto.client("ec2").import_key_pair(KeyName=EXISTING_KEY,
                                                   PublicKeyMaterial=open(key + ".pub", "rb").read())
            tf = h.Terraform(work, mirror, moto.endpoint, label, make_vars(work))
            # -lockfile=readonly: the committed lock file must already match the mirror.
            tf.run("init", "init", "-lockfile=readonly", "-input=false", show=SHOW)
            _, out = tf.run("validate", "validate", show=SHOW)
            c.that("Warning" not in out, "validate: no warnings (nothing deprecated in this provider)")
            if want.get("graviton_plan"):
                check_graviton_plan(c, moto, tf, want)
            _, out = tf.run("plan", "plan", "-input=false", "-out=tfplan", *tf.vars(), show=SHOW)
            check_plan_warnings(c, out, want)
            tf.run("apply", "apply", "-input=false", "tfplan", show=SHOW)
            code, out = tf.run("replan", "plan", "-input=false", "-detailed-exitcode", *tf.vars(),
                               ok=(0, 2), show=SHOW)
            c.that(code == 0 and "No changes." in out,
                   "the second plan is empty (-detailed-exitcode 0)",
                   "" if code == 0 else "the diff is in the replan log:\n" + out[-4000:])
            outputs = tf.outputs()
            state = tf.state()
            check_bucket(c, moto, outputs["bucket_name"])
            inst = check_instances(c, moto, outputs, state, want)
            if want["queue"]:
                check_queue(c, moto, outputs, state, want)
            else:
                check_no_queue(c, moto, outputs, state)
            check_operator_policy(c, moto, outputs, state, want)
            if want["vpc_endpoint"]:
                check_vpc_endpoint(c, moto, outputs, inst)
            else:
                c.equal(outputs.get("s3_vpc_endpoint_id"), None, "no VPC endpoint unless asked for")
            try:
                if before_destroy:
                    before_destroy(c, moto, tf, outputs)
            finally:
                tf.run("destroy", "destroy", "-auto-approve", "-input=false", *tf.vars(), show=SHOW)
            check_nothing_left(c, moto, want)
    except Exception as e:  # reported with the rest; the other variant goes on
        c.failures.append(f"{type(e).__name__}: {e}")
        h.say(prefix, traceback.format_exc())
    result["failures"] = c.failures


def al2_vars(work):
    key = public_key(work)
    return tfvars(region=REGION, environment="test", ssh_ingress_cidrs=SSH_CIDRS,
                  https_ingress_cidrs=HTTPS_CIDRS, public_key_path=key + ".pub",
                  ssh_private_key_path=key)


def al2023_vars(work):
    return tfvars(region=REGION, environment="test", ssh_ingress_cidrs=SSH_CIDRS,
                  key_name=EXISTING_KEY, amazon_linux_version="2023",
                  create_s3_vpc_endpoint=True, instance_type="t2.micro",
                  enable_event_queue=True, instance_count=2,
                  queue_visibility_timeout_seconds=120, queue_max_receive_count=3,
                  create_operator_policy=True)


# label -> (make_vars(work dir) -> tfvars text, what the checks expect)
VARIANTS = {
    "al2": (al2_vars, {"instance_type": "t3.micro", "ami_name_prefix": "amzn2-ami-kernel-5.10-hvm-",
                       "ebs_optimized": True, "key_name": None, "https_cidrs": HTTPS_CIDRS,
                       "vpc_endpoint": False, "graviton_plan": True, "queue": False,
                       "instance_count": 1, "amazon_linux": "2", "operator_policy": False}),
    "al2023+vpce+queue": (al2023_vars, {"instance_type": "t2.micro", "ami_name_prefix": "al2023-ami-",
                                        "ebs_optimized": False, "key_name": EXISTING_KEY,
                                        "https_cidrs": SSH_CIDRS, "vpc_endpoint": True,
                                        "queue": True, "instance_count": 2, "visibility": 120,
                                        "max_receive_count": 3, "amazon_linux": "2023",
                                        "operator_policy": True}),
}


def find_prerequisites(name):
    """(mirror, version) of the provider; SKIP (77) locally or FAIL in CI when one is missing."""
    try:
        h.find_terraform()
        mirror, version = h.find_mirror()
    except h.Skip as e:
        h.skip_or_fail(str(e))
    print(f"{name}: hashicorp/aws {version} from the mirror {mirror}; moto "
          f"{moto.__version__} on 127.0.0.1", flush=True)
    return mirror, version


def report(name, results):
    """Prints each variant's failures (or ok, removing its work dir); True when all passed."""
    failed = False
    for label, r in results.items():
        if r.get("failures"):
            failed = True
            print(f"{name} [{label}]: FAILED ({len(r['failures'])}); logs in {r['work']}/logs")
            for f in r["failures"]:
                print(f"  - {f[:2000]}")
        else:
            print(f"{name} [{label}]: ok")
            if not os.environ.get("S3PROC_KEEP_TF_WORK") and r.get("work"):
                shutil.rmtree(r["work"], ignore_errors=True)
    return not failed


def main(argv):
    labels = argv or list(VARIANTS)
    unknown = [x for x in labels if x not in VARIANTS]
    if unknown:
        print(f"usage: apply [VARIANT ...]; unknown {unknown}, known {list(VARIANTS)}", file=sys.stderr)
        return 2
    mirror, _ = find_prerequisites("terraform.apply")
    t0 = time.monotonic()
    results = {label: {} for label in labels}
    threads = [threading.Thread(target=run_variant,
                                args=(label, mirror, *VARIANTS[label], results[label]))
               for label in labels]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = report("terraform.apply", results)
    print(f"terraform.apply: {'passed' if ok else 'FAILED'} in {time.monotonic() - t0:.0f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
