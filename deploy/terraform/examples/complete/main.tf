provider "aws" {
  region = var.region

  # Tags every resource the provider creates, on top of the module's own tags.
  default_tags {
    tags = {
      Environment = var.environment
    }
  }
}

module "s3proc" {
  source = "../../"

  name        = var.name
  bucket_name = var.bucket_name
  tags        = var.tags

  force_destroy                          = var.force_destroy
  kms_key_arn                            = var.kms_key_arn
  abort_incomplete_multipart_upload_days = var.abort_incomplete_multipart_upload_days
  noncurrent_version_expiration_days     = var.noncurrent_version_expiration_days
  access_log_bucket                      = var.access_log_bucket
  access_log_prefix                      = var.access_log_prefix

  instance_count              = var.instance_count
  instance_type               = var.instance_type
  amazon_linux_version        = var.amazon_linux_version
  architecture                = var.architecture
  ami_id                      = var.ami_id
  root_volume_size            = var.root_volume_size
  ebs_kms_key_arn             = var.ebs_kms_key_arn
  cpu_credits                 = var.cpu_credits
  detailed_monitoring         = var.detailed_monitoring
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address

  enable_event_queue               = var.enable_event_queue
  queue_visibility_timeout_seconds = var.queue_visibility_timeout_seconds
  queue_max_receive_count          = var.queue_max_receive_count

  create_operator_policy = var.create_operator_policy

  key_name             = var.key_name
  public_key_path      = var.public_key_path
  ssh_private_key_path = var.ssh_private_key_path

  ssh_ingress_cidrs            = var.ssh_ingress_cidrs
  https_ingress_cidrs          = var.https_ingress_cidrs
  allow_https_from_internet    = var.allow_https_from_internet
  egress_cidrs                 = var.egress_cidrs
  create_s3_vpc_endpoint       = var.create_s3_vpc_endpoint
  vpc_endpoint_route_table_ids = var.vpc_endpoint_route_table_ids

  ansible_inventory_path = var.ansible_inventory_path
  run_ansible_playbook   = var.run_ansible_playbook
}
