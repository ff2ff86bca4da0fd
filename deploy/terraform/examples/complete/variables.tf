################################################################################
# Example-only inputs
################################################################################

variable "region" {
  description = "AWS region for every resource, for example eu-west-1."
  type        = string
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-west-1."
  }
}

variable "environment" {
  description = "Value of the Environment tag the provider adds to every resource."
  type        = string
  default     = "dev"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,256}$", var.environment))
    error_message = "environment must be 1-256 characters valid in a tag value."
  }
}

################################################################################
# Passed through to the module unchanged (kept identical to ../../variables.tf; a test checks it)
################################################################################

################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name used for every resource (instance, role, security group, key pair) and as the bucket name prefix when bucket_name is null."
  type        = string
  default     = "s3proc"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (it becomes part of the bucket name)."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags (merged over Name, Project and ManagedBy)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "Tag keys must be at most 128 characters and not start with \"aws:\"; values at most 256 characters."
  }
}

################################################################################
# Bucket
################################################################################

variable "bucket_name" {
  description = "Exact bucket name. Null lets Terraform generate a unique name that starts with \"<name>-\"."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 characters, lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds objects and old versions. Keep false except for throw-away environments."
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for default bucket encryption (SSE-KMS with a bucket key). Null uses SSE-S3 (AES256), which costs nothing."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which the lifecycle rule aborts multipart uploads that never completed (their parts are billed until then)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && var.abort_incomplete_multipart_upload_days <= 365 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number from 1 to 365."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a noncurrent object version (an overwritten or deleted object) is removed for good."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number from 1 to 3650."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs for the s3proc bucket (it must allow logging.s3.amazonaws.com to write). Null turns access logging off."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be a valid S3 bucket name or null."
  }
}

variable "access_log_prefix" {
  description = "Key prefix of the access log objects in access_log_bucket. Null uses \"<name>/\"."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_prefix == null || can(regex("^[A-Za-z0-9!_.*'()/-]{1,512}$", var.access_log_prefix))
    error_message = "access_log_prefix must be 1-512 characters of letters, digits and !_.*'()/-."
  }
}

################################################################################
# Instance
################################################################################

variable "instance_count" {
  description = "Number of identical s3proc instances (workers), all with the same role, instance profile, security group and key pair. More than one is what enable_event_queue is for (SQS hands each message to one worker); in listing mode several hosts also work, sharing the bucket through s3proc's shard leases."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 100 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count must be a whole number from 1 to 100."
  }
}

variable "instance_type" {
  description = "EC2 instance type. t3.micro is free-tier eligible in most regions."
  type        = string
  default     = "t3.micro"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like FAMILY.SIZE, for example t3.micro."
  }
}

variable "amazon_linux_version" {
  description = "Amazon Linux release whose latest AMI is resolved through the public SSM parameter: \"2\" (the default; past its end of support on 2026-06-30, which every plan warns about) or \"2023\"."
  type        = string
  default     = "2"
  nullable    = false

  validation {
    condition     = contains(["2", "2023"], var.amazon_linux_version)
    error_message = "amazon_linux_version must be \"2\" or \"2023\"."
  }
}

variable "architecture" {
  description = "CPU architecture of the AMI. Null: the instance type's own (arm64 for Graviton types such as t4g.micro, x86_64 for t3.micro). A type that cannot run the architecture given is refused at plan time."
  type        = string
  default     = null

  validation {
    condition     = var.architecture == null || contains(["x86_64", "arm64"], coalesce(var.architecture, "x86_64"))
    error_message = "architecture must be \"x86_64\", \"arm64\" or null (the instance type's own)."
  }
}

variable "ami_id" {
  description = "Pin an exact AMI instead of resolving the latest Amazon Linux through SSM. Null resolves it."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "root_volume_size" {
  description = "Size of the encrypted gp3 root volume in GiB (the free tier covers 30 GiB of EBS)."
  type        = number
  default     = 8
  nullable    = false

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 1024 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "root_volume_size must be a whole number of GiB from 8 (the Amazon Linux AMI size) to 1024."
  }
}

variable "ebs_kms_key_arn" {
  description = "ARN of a KMS key for the root volume. Null uses the account's default EBS key (aws/ebs)."
  type        = string
  default     = null

  validation {
    condition     = var.ebs_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.ebs_kms_key_arn))
    error_message = "ebs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "cpu_credits" {
  description = "Credit option of a burstable (t2/t3/t4g) instance. \"standard\" never bills for extra CPU; \"unlimited\" (the AWS default for t3) can."
  type        = string
  default     = "standard"
  nullable    = false

  validation {
    condition     = contains(["standard", "unlimited"], var.cpu_credits)
    error_message = "cpu_credits must be \"standard\" or \"unlimited\"."
  }
}

variable "detailed_monitoring" {
  description = "Turn on 1-minute CloudWatch detailed monitoring (billed; basic 5-minute monitoring is free)."
  type        = bool
  default     = false
  nullable    = false
}

variable "subnet_id" {
  description = "Subnet of the instance. Null picks a default subnet of the default VPC in an availability zone that offers instance_type."
  type        = string
  default     = null

  validation {
    condition     = var.subnet_id == null || can(regex("^subnet-[0-9a-f]{8,17}$", var.subnet_id))
    error_message = "subnet_id must look like subnet-0123456789abcdef0."
  }
}

variable "associate_public_ip_address" {
  description = "Give the instance a public IPv4 address so that SSH and Ansible can reach it from outside the VPC. Turn off when you reach it over a VPN or bastion."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Event queue (queue mode)
################################################################################

variable "enable_event_queue" {
  description = "Create an SQS queue (SSE, long polling) with a dead-letter queue, the bucket notification that sends it every s3:ObjectCreated:* event under input/, and the instance role's SQS actions on it; the inventory then passes its URL to Ansible, and s3proc runs in queue mode (run --queue-url) instead of listing input/. Off by default."
  type        = bool
  default     = false
  nullable    = false
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the event queue: how long a message a worker received stays hidden from the others. s3proc extends it at half-life while it still works on the object, so it only bounds how soon a crashed worker's message is redelivered. s3proc reads it from the queue at start (nothing is passed to Ansible)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 30 && var.queue_visibility_timeout_seconds <= 43200 && floor(var.queue_visibility_timeout_seconds) == var.queue_visibility_timeout_seconds
    error_message = "queue_visibility_timeout_seconds must be a whole number of seconds from 30 to 43200 (SQS's maximum, 12 hours); below 30 s a slow object would cost an extension call every few seconds."
  }
}

variable "queue_max_receive_count" {
  description = "Receives after which SQS moves a message to the dead-letter queue (the redrive policy's maxReceiveCount): an event no worker finished in that many tries (a worker that crashed on it each time, for example). Keep it above s3proc's max_attempts (5 by default): s3proc moves a poison object to errors/ itself on delivery max_attempts + 1, which SQS must still hand it."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.queue_max_receive_count >= 1 && var.queue_max_receive_count <= 1000 && floor(var.queue_max_receive_count) == var.queue_max_receive_count
    error_message = "queue_max_receive_count must be a whole number from 1 to 1000 (SQS's limits for maxReceiveCount)."
  }
}

################################################################################
# Operators
################################################################################

variable "create_operator_policy" {
  description = "Create a managed IAM policy (output operator_policy_arn) with what `s3proc status` and `s3proc redrive` need on this bucket (and queue), for the operators to attach to their own users, groups or roles. The instance role never holds it: the instances run `s3proc run` only. Off by default."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Key pair and SSH
################################################################################

variable "key_name" {
  description = "Name of an EC2 key pair that already exists in the region. Set exactly one of key_name and public_key_path."
  type        = string
  default     = null

  validation {
    condition     = var.key_name == null || try(length(var.key_name) >= 1 && length(var.key_name) <= 255, false)
    error_message = "key_name must be 1-255 characters."
  }
}

variable "public_key_path" {
  description = "Path to an OpenSSH public key file (for example ~/.ssh/id_ed25519.pub); Terraform imports it as a new key pair named after var.name. Set exactly one of key_name and public_key_path."
  type        = string
  default     = null

  validation {
    condition     = var.public_key_path == null || try(endswith(var.public_key_path, ".pub"), false)
    error_message = "public_key_path must name the public half of the key, a file ending in .pub."
  }

  validation {
    condition     = (var.key_name == null) != (var.public_key_path == null)
    error_message = "Set exactly one of key_name (an existing key pair) and public_key_path (a public key file to import)."
  }
}

variable "ssh_private_key_path" {
  description = "Path, on the machine that runs Ansible, of the private key matching the key pair; written into the inventory and the SSH command."
  type        = string
  default     = "~/.ssh/id_ed25519"
  nullable    = false

  validation {
    condition     = length(var.ssh_private_key_path) > 0 && !endswith(var.ssh_private_key_path, ".pub")
    error_message = "ssh_private_key_path must be the private key, not the .pub file."
  }
}

################################################################################
# Network access
################################################################################

variable "ssh_ingress_cidrs" {
  description = "IPv4 CIDRs allowed to reach port 22, for example [\"203.0.113.7/32\"]. Required: there is no default, and the whole internet (0.0.0.0/0) is refused."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.ssh_ingress_cidrs) > 0
    error_message = "ssh_ingress_cidrs must name at least one CIDR (your own address as x.x.x.x/32)."
  }

  validation {
    condition     = alltrue([for c in var.ssh_ingress_cidrs : try(cidrnetmask(c) != "" && cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "Every entry of ssh_ingress_cidrs must be an IPv4 network in CIDR form with no host bits set, for example 203.0.113.0/24 or 203.0.113.7/32."
  }

  validation {
    condition     = alltrue([for c in var.ssh_ingress_cidrs : try(tonumber(split("/", c)[1]) >= 8, true)])
    error_message = "SSH must not be open to the internet: 0.0.0.0/0 and networks wider than /8 are refused in ssh_ingress_cidrs."
  }
}

variable "https_ingress_cidrs" {
  description = "IPv4 CIDRs allowed to reach port 443. Null uses ssh_ingress_cidrs; an empty list opens no HTTPS port. As for SSH, 0.0.0.0/0 and networks wider than /8 are refused unless allow_https_from_internet is true."
  type        = list(string)
  default     = null

  validation {
    condition     = alltrue([for c in coalesce(var.https_ingress_cidrs, []) : try(cidrnetmask(c) != "" && cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "Every entry of https_ingress_cidrs must be an IPv4 network in CIDR form with no host bits set."
  }

  # The same bound as ssh_ingress_cidrs; s3proc itself listens on no port, so the internet is
  # let in only when someone says so.
  validation {
    condition     = var.allow_https_from_internet || alltrue([for c in coalesce(var.https_ingress_cidrs, []) : try(tonumber(split("/", c)[1]) >= 8, true)])
    error_message = "HTTPS must not be open to the internet by accident: 0.0.0.0/0 and networks wider than /8 are refused in https_ingress_cidrs unless allow_https_from_internet = true."
  }
}

variable "allow_https_from_internet" {
  description = "Let https_ingress_cidrs hold 0.0.0.0/0 or networks wider than /8 (a public web service on the host). Off by default: s3proc needs no inbound port."
  type        = bool
  default     = false
  nullable    = false
}

variable "egress_cidrs" {
  description = "IPv4 CIDRs the instance may reach on TCP 80 and 443 (package repositories, S3, STS). DNS and NTP to the VPC resolver and Amazon Time Sync need no rule."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = alltrue([for c in var.egress_cidrs : try(cidrnetmask(c) != "" && cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "Every entry of egress_cidrs must be an IPv4 network in CIDR form with no host bits set."
  }
}

variable "create_s3_vpc_endpoint" {
  description = "Create an S3 gateway VPC endpoint (free) so that traffic between the instance and S3 stays inside the AWS network."
  type        = bool
  default     = false
  nullable    = false
}

variable "vpc_endpoint_route_table_ids" {
  description = "Route tables the S3 gateway endpoint is added to. Empty uses the main route table of the instance's VPC."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_endpoint_route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", id))])
    error_message = "Every entry of vpc_endpoint_route_table_ids must look like rtb-0123456789abcdef0."
  }
}

################################################################################
# Ansible
################################################################################

variable "ansible_inventory_path" {
  description = "Where the optional playbook run (run_ansible_playbook) writes the generated Ansible inventory before it runs ansible-playbook. Null writes inventory.yml inside this module (git-ignored), the path deploy/ansible/site.yml documents. Without the playbook run, write it yourself: terraform output -raw ansible_inventory > inventory.yml"
  type        = string
  default     = null

  validation {
    condition     = var.ansible_inventory_path == null || can(regex("\\.ya?ml$", var.ansible_inventory_path))
    error_message = "ansible_inventory_path must end in .yml or .yaml (the inventory is YAML)."
  }
}

variable "run_ansible_playbook" {
  description = "After the instance answers on SSH, run `ansible-playbook -i <generated inventory> ../ansible/site.yml` from this module's folder. Needs ansible-playbook and the private key on the machine running Terraform. Off by default."
  type        = bool
  default     = false
  nullable    = false
}
