output "bucket_name" {
  description = "Name of the s3proc bucket (drop files under input/)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the s3proc bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_prefixes" {
  description = "The prefixes s3proc uses in the bucket: input, output, errors and leases."
  value       = local.prefixes
}

output "region" {
  description = "Region of the bucket and the instance."
  value       = aws_s3_bucket.this.region
}

output "instance_id" {
  description = "ID of the first s3proc EC2 instance (instance_ids lists them all)."
  value       = aws_instance.this[0].id
}

output "instance_ids" {
  description = "IDs of all instance_count s3proc instances, in the inventory's order (s3proc-1 first)."
  value       = aws_instance.this[*].id
}

output "ami_id" {
  description = "AMI the instance was created from (later AMIs are ignored until the instance is replaced on purpose)."
  value       = aws_instance.this[0].ami
}

output "instance_public_ip" {
  description = "Public IPv4 address of the first instance (empty when associate_public_ip_address is false)."
  value       = aws_instance.this[0].public_ip
}

output "instance_public_ips" {
  description = "Public IPv4 addresses of all instances, in the inventory's order (empty strings when associate_public_ip_address is false)."
  value       = aws_instance.this[*].public_ip
}

output "instance_public_dns" {
  description = "Public DNS name of the first instance (empty when it has no public address)."
  value       = aws_instance.this[0].public_dns
}

output "instance_private_ip" {
  description = "Private IPv4 address of the first instance."
  value       = aws_instance.this[0].private_ip
}

output "instance_private_ips" {
  description = "Private IPv4 addresses of all instances, in the inventory's order."
  value       = aws_instance.this[*].private_ip
}

output "ssh_command" {
  description = "Command that opens a shell on the first instance (the inventory lists the others' addresses)."
  value       = "ssh -i ${var.ssh_private_key_path} ${local.ssh_user}@${local.ansible_host}"
}

output "ansible_inventory" {
  description = "The generated Ansible inventory (YAML): group s3proc with one host per instance (s3proc-1 .. s3proc-N) and its s3proc_* variables, s3proc_queue_url included (empty without the event queue). Write it with: terraform output -raw ansible_inventory > inventory.yml"
  value       = local.ansible_inventory
}

output "iam_role_arn" {
  description = "ARN of the instance role that carries the least-privilege bucket policy."
  value       = aws_iam_role.this.arn
}

output "instance_profile_name" {
  description = "Name of the instance profile attached to every instance."
  value       = aws_iam_instance_profile.this.name
}

output "security_group_id" {
  description = "ID of the security group of every instance."
  value       = aws_security_group.this.id
}

output "key_name" {
  description = "Name of the key pair attached to every instance (existing or imported)."
  value       = local.key_name
}

output "s3_vpc_endpoint_id" {
  description = "ID of the S3 gateway VPC endpoint, or null when create_s3_vpc_endpoint is false."
  value       = try(aws_vpc_endpoint.s3[0].id, null)
}

output "queue_url" {
  description = "URL of the event queue, what s3proc run --queue-url takes (the inventory passes it as s3proc_queue_url); null when enable_event_queue is false."
  value       = try(aws_sqs_queue.events[0].url, null)
}

output "queue_arn" {
  description = "ARN of the event queue; null when enable_event_queue is false."
  value       = try(aws_sqs_queue.events[0].arn, null)
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue: messages received queue_max_receive_count times without being deleted; null when enable_event_queue is false."
  value       = try(aws_sqs_queue.dead_letter[0].url, null)
}

output "operator_policy_arn" {
  description = "ARN of the operators' managed policy (status and redrive), to attach to their own users, groups or roles; null unless create_operator_policy is true."
  value       = try(aws_iam_policy.operator[0].arn, null)
}
