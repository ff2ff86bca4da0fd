output "bucket_name" {
  description = "Name of the s3proc bucket (drop files under input/)."
  value       = module.s3proc.bucket_name
}

output "instance_id" {
  description = "ID of the first s3proc EC2 instance."
  value       = module.s3proc.instance_id
}

output "instance_ids" {
  description = "IDs of all s3proc instances (s3proc-1 first)."
  value       = module.s3proc.instance_ids
}

output "instance_public_ips" {
  description = "Public IPv4 addresses of all s3proc instances."
  value       = module.s3proc.instance_public_ips
}

output "instance_public_ip" {
  description = "Public IPv4 address of the instance."
  value       = module.s3proc.instance_public_ip
}

output "instance_public_dns" {
  description = "Public DNS name of the instance."
  value       = module.s3proc.instance_public_dns
}

output "ssh_command" {
  description = "Command that opens a shell on the instance."
  value       = module.s3proc.ssh_command
}

output "ansible_inventory" {
  description = "The generated Ansible inventory (YAML); write it where deploy/ansible expects it: terraform output -raw ansible_inventory > ../../inventory.yml"
  value       = module.s3proc.ansible_inventory
}

output "iam_role_arn" {
  description = "ARN of the instance role."
  value       = module.s3proc.iam_role_arn
}

output "s3_vpc_endpoint_id" {
  description = "ID of the S3 gateway VPC endpoint, or null."
  value       = module.s3proc.s3_vpc_endpoint_id
}

output "queue_url" {
  description = "URL of the event queue (s3proc run --queue-url), or null without enable_event_queue."
  value       = module.s3proc.queue_url
}

output "queue_arn" {
  description = "ARN of the event queue, or null."
  value       = module.s3proc.queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue, or null."
  value       = module.s3proc.dead_letter_queue_url
}

output "operator_policy_arn" {
  description = "ARN of the operators' managed policy (status and redrive), to attach to their own users or roles; null unless create_operator_policy is true."
  value       = module.s3proc.operator_policy_arn
}
