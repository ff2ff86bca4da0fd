################################################################################
# The instance role: exactly what `s3proc run`, `status` and `redrive` do, nothing more.
# tests/lib/expected_s3_access.js is the checked list of those operations.
################################################################################

data "aws_partition" "current" {}

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
  # ListObjectsV2 over each prefix (`s3proc run` lists input/, `s3proc status` all four).
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
  # done; PutObject is `s3proc redrive` copying errors/* back to input/.
  statement {
    sid    = "ConsumeInput"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:PutObject",
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

  # Rejected inputs and their errors/<key>.error.json; `s3proc redrive` reads and removes them.
  statement {
    sid    = "WriteAndRedriveErrors"
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

  # Only with a customer-managed key: SSE-KMS objects need the key to be written and read.
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
