"""moto's server on 127.0.0.1, with the places where moto 5.2 differs from AWS for this module
patched, so that the module is tested as it is (never weakened for moto):

1. Bucket policy conditions. moto evaluates only StringEquals; every other operator (the module's
   TLS-only policy uses Bool on aws:SecureTransport and NumericLessThan on s3:TlsVersion) counts
   as true, and it passes no request context, so both Deny statements apply to every request and
   block every object operation. Here a statement's conditions are evaluated with AWS's rules
   (operators AND, keys AND, values OR, a missing key is false) against the context of a request
   made over TLS 1.3: moto serves plain HTTP on 127.0.0.1 where AWS serves HTTPS. Statements whose
   conditions hold are then handed to moto's own evaluator (actions, resources, principals).
   `deny_applies` below is the same evaluation, for the test's negative control (a request
   without TLS, or with TLS 1.1, is denied).

2. Security groups of an instance launched with associate_public_ip_address. The provider then
   sends the groups inside the primary network interface; moto keeps them on that interface only,
   so DescribeInstances shows no groups and the next plan wants to add them. On AWS the instance's
   groups are those of its primary interface, which is what the patch reports.

3. SQS queue attributes (the event queue, enable_event_queue). moto does not know the
   RedriveAllowPolicy attribute: GetQueueAttributes refuses the name (InvalidAttributeName), which
   aws_sqs_queue_redrive_allow_policy reads back after setting it. And every SetQueueAttributes
   call resets the queue's Policy unless the call carries a Policy itself, so setting the
   dead-letter queue's RedriveAllowPolicy after its queue policy would drop that policy (on AWS a
   call changes only the attributes it names). And it returns RedrivePolicy re-serialized with
   spaces (`{"deadLetterTargetArn": ...}`) where AWS returns the compact JSON it was given, which
   the provider reports as a (whitespace) change on every plan. The patch stores
   RedriveAllowPolicy like the other attributes (one set to "", the provider's way of removing
   it on destroy, is unset and not listed, as on AWS; the provider waits until it is gone), keeps
   the Policy a call does not name, and returns RedrivePolicy compact.

Usage: moto_server.py PORT_FILE. Binds a free port (chosen by the kernel, so parallel runs never
collide), writes it to PORT_FILE once it accepts connections, and serves until SIGTERM.
"""

import json
import os
import sys

# The context of every request: what AWS would see for a client that speaks TLS 1.3.
TLS_REQUEST_CONTEXT = {"aws:securetransport": "true", "s3:tlsversion": "1.3"}


def _as_list(v):
    return v if isinstance(v, list) else [v]


def _number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def _bool_equals(expected, actual):
    return str(actual).lower() == str(expected).lower()


def _numeric(compare):
    def op(expected, actual):
        a, e = _number(actual), _number(expected)
        return a is not None and e is not None and compare(a, e)
    return op


def _string_like(expected, actual):
    import fnmatch
    return fnmatch.fnmatchcase(actual, expected.replace("[", "[[]"))


OPERATORS = {
    "Bool": _bool_equals,
    "StringEquals": lambda e, a: a == e,
    "StringNotEquals": lambda e, a: a != e,
    "StringLike": _string_like,
    "NumericEquals": _numeric(lambda a, e: a == e),
    "NumericLessThan": _numeric(lambda a, e: a < e),
    "NumericLessThanEquals": _numeric(lambda a, e: a <= e),
    "NumericGreaterThan": _numeric(lambda a, e: a > e),
    "NumericGreaterThanEquals": _numeric(lambda a, e: a >= e),
}


def conditions_hold(condition, context):
    """True when every operator's every key matches one of its values (AWS's rules); context keys
    are lower-case (condition keys are case-insensitive). Raises KeyError for an operator this
    file does not implement, so that a new condition in the module fails loudly here instead of
    being waved through."""
    for operator, by_key in (condition or {}).items():
        op = OPERATORS[operator]
        for key, values in by_key.items():
            actual = context.get(key.lower())
            if actual is None or not any(op(v, actual) for v in _as_list(values)):
                return False
    return True


def applicable_statements(policy, context):
    """The statements of `policy` (a dict) whose conditions hold in `context`, without their
    Condition blocks (already evaluated)."""
    kept = []
    for statement in _as_list(policy.get("Statement", [])):
        if conditions_hold(statement.get("Condition"), context):
            kept.append({k: v for k, v in statement.items() if k != "Condition"})
    return kept


def deny_applies(policy, action, resource, context):
    """Whether a Deny statement of `policy` (a dict) applies to `action` on `resource` for an
    anonymous or any principal in `context`: the negative control of the TLS-only policy."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    doc = {"Version": "2012-10-17",
           "Statement": [s for s in applicable_statements(policy, context) if s["Effect"] == "Deny"]}
    return IAMPolicy(json.dumps(doc)).is_action_permitted(action, resource) == PermissionResult.DENIED


def patch_bucket_policy_conditions():
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
        doc = {"Version": policy.get("Version", "2012-10-17"),
               "Statement": applicable_statements(policy, TLS_REQUEST_CONTEXT)}
        return IAMPolicy(json.dumps(doc)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission


def patch_instance_security_groups():
    from moto.ec2.models.instances import Instance

    original = Instance.prep_nics

    def prep_nics(self, *args, **kwargs):
        original(self, *args, **kwargs)
        primary = self.nics.get(0)
        if not self.security_groups and primary is not None:
            self.security_groups = list(primary._group_set)

    Instance.prep_nics = prep_nics


def patch_sqs_queue_attributes():
    from moto.sqs.models import Queue

    if "RedriveAllowPolicy" not in Queue.BASE_ATTRIBUTES:
        Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]
    Queue.redrive_allow_policy = None  # until a call sets it
    original = Queue._set_attributes

    def _set_attributes(self, attributes, now=None):
        kept = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = kept

    Queue._set_attributes = _set_attributes

    attributes = Queue.attributes.fget

    def compact_attributes(self):
        result = attributes(self)
        # Set to "" (how the provider removes it) is unset, as on AWS: not listed at all.
        if result.get("RedriveAllowPolicy") in ("", None):
            result.pop("RedriveAllowPolicy", None)
        if result.get("RedrivePolicy"):
            result["RedrivePolicy"] = json.dumps(json.loads(result["RedrivePolicy"]),
                                                 separators=(",", ":"))
        return result

    Queue.attributes = property(compact_attributes)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: moto_server.py PORT_FILE")
    port_file = sys.argv[1]
    patch_bucket_policy_conditions()
    patch_instance_security_groups()
    patch_sqs_queue_attributes()

    # The same server as every other test's moto: a port the kernel assigns, announced by file.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                    "testutil"))
    import moto_serve

    print("moto_server: serving, port in " + port_file, file=sys.stderr, flush=True)
    moto_serve.serve(port_file)


if __name__ == "__main__":
    main()
