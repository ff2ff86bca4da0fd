################################################################################
# The s3proc host: Amazon Linux, IMDSv2 only, encrypted gp3 root, instance role, no user data
# (Ansible configures it).
################################################################################

locals {
  # Public SSM parameters that always name the latest Amazon Linux AMI of a release.
  ami_ssm_parameters = {
    "2" = {
      x86_64 = "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2"
      arm64  = "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2"
    }
    "2023" = {
      x86_64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
      arm64  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    }
  }
  # The instance type decides unless told: Graviton types (t4g, m7g, ...) list only arm64.
  type_architectures = data.aws_ec2_instance_type.this.supported_architectures
  architecture       = coalesce(var.architecture, contains(local.type_architectures, "x86_64") ? "x86_64" : "arm64")
  ami_ssm_parameter  = local.ami_ssm_parameters[var.amazon_linux_version][local.architecture]
  ami_id             = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value
}

# Amazon Linux 2 stays the default, but its support ended: every plan says so, and how to move.
check "amazon_linux_support" {
  assert {
    condition     = var.amazon_linux_version != "2"
    error_message = "Amazon Linux 2 reached end of support on 2026-06-30: no more security updates. Set amazon_linux_version = \"2023\" to move to Amazon Linux 2023 (s3proc's static release and the Ansible role run on both; the instance is replaced, so drain input/ first)."
  }
}

data "aws_ssm_parameter" "ami" {
  count = var.ami_id == null ? 1 : 0

  name = local.ami_ssm_parameter
}

# Whether the type can be EBS-optimized: "default" (t3, t4g and every current type: always on, at
# no charge), "supported" (some previous-generation types) or "unsupported" (t2, which EC2 refuses
# to launch with ebs_optimized = true).
data "aws_ec2_instance_type" "this" {
  instance_type = var.instance_type
}

# instance_count identical workers. The first is aws_instance.this[0]; configurations from before
# instance_count named it aws_instance.this, and the moved block below keeps that host.
resource "aws_instance" "this" {
  count = var.instance_count

  ami           = local.ami_id
  instance_type = var.instance_type
  key_name      = local.key_name

  subnet_id                   = data.aws_subnet.selected.id
  vpc_security_group_ids      = [aws_security_group.this.id]
  associate_public_ip_address = var.associate_public_ip_address

  # CKV2_AWS_41: credentials come from the role, never from files on the host.
  iam_instance_profile = aws_iam_instance_profile.this.name

  monitoring = var.detailed_monitoring # CKV_AWS_126, billed, so opt-in
  # CKV_AWS_135: EBS-optimized wherever the type allows it (t3 is, at no charge); off on t2.micro,
  # the free-tier type of the few regions without t3.micro.
  ebs_optimized = data.aws_ec2_instance_type.this.ebs_optimized_support != "unsupported"

  credit_specification {
    cpu_credits = var.cpu_credits
  }

  # CKV_AWS_79: IMDSv2 only; hop limit 1 keeps the role's credentials away from containers.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  # CKV_AWS_8: encrypted root volume.
  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    encrypted             = true
    kms_key_id            = var.ebs_kms_key_arn
    delete_on_termination = true
    tags                  = local.tags
  }

  tags = merge(local.tags, { Name = "${var.name}-${count.index + 1}" })

  lifecycle {
    # A newer AMI in the SSM parameter must not replace the running host on the next apply.
    # Move to it on purpose: terraform apply -replace='module.s3proc.aws_instance.this[0]'
    ignore_changes = [ami]

    precondition {
      condition     = local.key_name != null
      error_message = "The instance needs a key pair: set key_name or public_key_path."
    }

    precondition {
      condition     = contains(local.type_architectures, local.architecture)
      error_message = "architecture = \"${local.architecture}\" does not run on ${var.instance_type} (it runs ${join(", ", local.type_architectures)}): leave architecture null to follow the instance type."
    }
  }
}

moved {
  from = aws_instance.this
  to   = aws_instance.this[0]
}
