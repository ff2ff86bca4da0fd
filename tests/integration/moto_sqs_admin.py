"""What the SQS integration tests set up with boto3 (an independent client) against moto:
  moto_sqs_admin.py ENDPOINT create NAME [DLQ_NAME MAX_RECEIVE]   prints the queue URL
  moto_sqs_admin.py ENDPOINT send QUEUE_URL COUNT PREFIX          sends PREFIX-0 .. PREFIX-N-1
"""
import json
import sys

import boto3


def main():
    endpoint, command, *args = sys.argv[1:]
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    if command == "create":
        attributes = {}
        if len(args) == 3:
            dlq_url = sqs.create_queue(QueueName=args[1])["QueueUrl"]
            dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
            attributes["RedrivePolicy"] = json.dumps({
                "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
                "maxReceiveCount": args[2]})
        print(sqs.create_queue(QueueName=args[0], Attributes=attributes)["QueueUrl"])
    elif command == "send":
        url, count, prefix = args[0], int(args[1]), args[2]
        for start in range(0, count, 10):
            entries = [{"Id": str(i), "MessageBody": f"{prefix}-{i}"}
                       for i in range(start, min(count, start + 10))]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
