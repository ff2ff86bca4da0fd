################################################################################
# The instance role: exactly what `s3proc run` does, nothing more (`status` reads only what run
# may already read, and the dead-letter queue's count). `s3proc redrive` is an operator's action:
# its rights are in the operator policy below, which the instance never holds.
# tests/lib/expected_s3_access.js is the checked list of those operations.
################################################################################

data "aws_partition" "current" {}

locals {
  # kms:ViaService of S3 in the bucket's region: the KMS key is usable only through S3 requests.
  s3_service_endpoint = "s3.${aws_s3_bucket.this.region}.${data.aws_partition.current.dns_suffix}"
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "EC2AssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.${data.aws_partition.current.dns_suffix}"]
    }
  }
}

data "aws_iam_policy_document" "s3proc" {
  # ListObjectsV2 over each prefix: `s3proc run` lists input/ and leases/, and after a 403 for a
  # key it may read (a missing key, on AWS) lists that key in any of the four.
  statement {
    sid       = "ListOwnPrefixes"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values = [
        "${local.prefixes.input}*",
        "${local.prefixes.output}*",
        "${local.prefixes.errors}*",
        "${local.prefixes.leases}*",
      ]
    }
  }

  # Read the current object (its version id comes back with it), delete that exact version when
  # done (DeleteObjectVersion: on the module's versioned bucket a producer's newer version is never
  # deleted with it). No PutObject: the instance never writes into input/.
  statement {
    sid    = "ConsumeInput"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.input}*"]
  }

  # Results; PutObject also covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload,
  # AbortMultipartUpload cleans up one that failed (s3proc never lists the parts of an upload).
  # GetObject is HeadObject: after a crash, s3proc looks for an output it may already have stored.
  statement {
    sid    = "WriteOutput"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.output}*"]
  }

  # Rejected inputs and their errors/<key>.error.json. GetObject is HeadObject (whose object holds
  # a name); DeleteObject removes a reason it has just stored when its copy's name proved taken
  # (no version id: a delete marker, nothing is destroyed).
  statement {
    sid    = "WriteErrors"
    effect = "Allow"
    actions = [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:DeleteObject",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.errors}*"]
  }

  # Leases: conditional PUT (If-None-Match: * creates the next generation), GET to read, DELETE to release.
  statement {
    sid    = "Leases"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.leases}*"]
  }

  # Only with a customer-managed key: SSE-KMS objects need the key to be written and read, and
  # only through S3 (kms:ViaService): the role's credentials cannot decrypt with it directly.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid    = "UseBucketKey"
      effect = "Allow"
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.s3_service_endpoint]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-"
  description        = "Instance role of the s3proc host: read input/, write output/ and errors/, manage leases/ in one bucket."
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = local.tags
}

resource "aws_iam_role_policy" "s3proc" {
  name   = "s3proc-bucket-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.s3proc.json
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "${var.name}-"
  role        = aws_iam_role.this.name

  tags = local.tags
}

# Queue mode only: consume the event queue; read the dead-letter queue's count (`s3proc status`
# finds it from the queue's RedrivePolicy attribute, then asks for its URL). No SendMessage or
# PurgeQueue: s3proc never writes to either queue. A policy of its own, so that the bucket policy
# above stays what tests/least_privilege enforces on a real S3 server.
data "aws_iam_policy_document" "queue" {
  count = var.enable_event_queue ? 1 : 0

  statement {
    sid    = "ConsumeEvents"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.events[0].arn]
  }

  statement {
    sid    = "CountDeadLetters"
    effect = "Allow"
    actions = [
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.dead_letter[0].arn]
  }
}

resource "aws_iam_role_policy" "queue" {
  count = var.enable_event_queue ? 1 : 0

  name   = "s3proc-queue-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.queue[0].json
}

################################################################################
# The operator policy (create_operator_policy): what `s3proc status` and `s3proc redrive` need,
# for the people who run them. A managed policy that this module attaches to nothing: attach it to
# the operators' own users, groups or roles. It stands alone (an operator needs no other grant for
# these two commands) and holds nothing `run` alone needs: no writes to output/ or leases/, no
# delete in input/.
################################################################################

data "aws_iam_policy_document" "operator" {
  count = var.create_operator_policy ? 1 : 0

  # ListObjectsV2: `status` counts all four prefixes; `redrive` lists errors/ and, after a 403 for
  # input/<key> (a missing key, on AWS), that key in input/.
  statement {
    sid       = "ListOwnPrefixes"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values = [
        "${local.prefixes.input}*",
        "${local.prefixes.output}*",
        "${local.prefixes.errors}*",
        "${local.prefixes.leases}*",
      ]
    }
  }

  # `redrive`: HeadObject of input/<key> (is it free?), then CopyObject's destination.
  statement {
    sid    = "RedriveIntoInput"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.input}*"]
  }

  # `redrive`: HeadObject of a renamed error copy (its provenance), CopyObject's source, then the
  # error copy and its reason deleted (no version id: delete markers, history kept).
  statement {
    sid    = "RedriveFromErrors"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:DeleteObject",
    ]
    resources = ["${aws_s3_bucket.this.arn}/${local.prefixes.errors}*"]
  }

  # With a customer-managed key, copying an object reads it (Decrypt) and writes it (a data key),
  # through S3 only.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid    = "UseBucketKey"
      effect = "Allow"
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.s3_service_endpoint]
      }
    }
  }

  # Queue mode: `status --queue-url` reads the queue's counts and RedrivePolicy, then the
  # dead-letter queue's count (its URL looked up by name). Read-only.
  dynamic "statement" {
    for_each = var.enable_event_queue ? [1] : []

    content {
      sid       = "CountQueue"
      effect    = "Allow"
      actions   = ["sqs:GetQueueAttributes"]
      resources = [aws_sqs_queue.events[0].arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_event_queue ? [1] : []

    content {
      sid    = "CountDeadLetters"
      effect = "Allow"
      actions = [
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
      ]
      resources = [aws_sqs_queue.dead_letter[0].arn]
    }
  }
}

resource "aws_iam_policy" "operator" {
  count = var.create_operator_policy ? 1 : 0

  name_prefix = "${var.name}-operator-"
  description = "s3proc operators: status and redrive (errors/ back to input/) on one bucket. Attach to people, not to the instance."
  policy      = data.aws_iam_policy_document.operator[0].json

  tags = local.tags
}
