################################################################################
# Queue mode (enable_event_queue): S3 event notifications -> SQS -> N s3proc workers.
#
# SQS hands each message to one worker at a time (the visibility timeout is the lease), hands a
# crashed worker's message to another once it times out, and moves a message that was received
# queue_max_receive_count times without being deleted to the dead-letter queue. Nothing here
# exists when enable_event_queue is false.
################################################################################

locals {
  # Main queue: SQS's default retention of 4 days, so a weekend with every worker down loses
  # nothing. Dead-letter queue: the maximum, 14 days; a message keeps its original enqueue time
  # when it is moved there, so the DLQ must keep messages longer than the main queue does.
  queue_message_retention_seconds = 345600
  dead_letter_retention_seconds   = 1209600
  queue_receive_wait_time_seconds = 20 # long polling, SQS's maximum: an empty poll is one request per 20 s

  queue_url = var.enable_event_queue ? aws_sqs_queue.events[0].url : ""
}

data "aws_caller_identity" "current" {}

# SSE-SQS (SQS-managed keys, free), the counterpart of the bucket's SSE-S3. A customer KMS key
# would need a key policy that lets s3.amazonaws.com use it, which this module does not manage.
resource "aws_sqs_queue" "dead_letter" {
  count = var.enable_event_queue ? 1 : 0

  name_prefix               = "${var.name}-events-dlq-"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = local.dead_letter_retention_seconds

  tags = local.tags
}

resource "aws_sqs_queue" "events" {
  count = var.enable_event_queue ? 1 : 0

  name_prefix                = "${var.name}-events-"
  sqs_managed_sse_enabled    = true
  visibility_timeout_seconds = var.queue_visibility_timeout_seconds
  receive_wait_time_seconds  = local.queue_receive_wait_time_seconds
  message_retention_seconds  = local.queue_message_retention_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.queue_max_receive_count
  })

  tags = local.tags
}

# Only the main queue may move its messages into the dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  count = var.enable_event_queue ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events[0].arn]
  })
}

# Who may send: S3, on behalf of this bucket in this account only. A bucket ARN names no
# account, so aws:SourceArn alone would also admit a bucket of the same name in another account
# (once this one is deleted and the name taken); aws:SourceAccount closes that. The instance
# role needs no statement here: its own policy (iam.tf) grants the consumer's actions, and the
# queue is in the role's account.
data "aws_iam_policy_document" "events_queue" {
  count = var.enable_event_queue ? 1 : 0

  statement {
    sid       = "BucketSendsEvents"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events[0].arn]

    principals {
      type        = "Service"
      identifiers = ["s3.${data.aws_partition.current.dns_suffix}"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.this.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.events[0].arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "events" {
  count = var.enable_event_queue ? 1 : 0

  queue_url = aws_sqs_queue.events[0].id
  policy    = data.aws_iam_policy_document.events_queue[0].json
}

# Nobody sends to the dead-letter queue (SQS moves messages into it); TLS only, as above.
data "aws_iam_policy_document" "dead_letter_queue" {
  count = var.enable_event_queue ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dead_letter[0].arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = var.enable_event_queue ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy    = data.aws_iam_policy_document.dead_letter_queue[0].json
}

# Every new object under input/, whichever way it was written (Put, Post, Copy, multipart).
resource "aws_s3_bucket_notification" "events" {
  count = var.enable_event_queue ? 1 : 0

  bucket = aws_s3_bucket.this.id

  queue {
    id            = "s3proc-input"
    queue_arn     = aws_sqs_queue.events[0].arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.prefixes.input
  }

  depends_on = [
    # S3 checks that it may send (it sends an s3:TestEvent) when the notification is written.
    aws_sqs_queue_policy.events,
    # The input/ folder marker is written before events flow, so it never becomes a message.
    aws_s3_object.folder,
  ]
}
