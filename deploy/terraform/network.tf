################################################################################
# Where the instance lives: the given subnet, or a default subnet of the default VPC in an
# availability zone that offers the instance type (t3.micro is missing from a few zones).
################################################################################

data "aws_ec2_instance_type_offerings" "this" {
  count = var.subnet_id == null ? 1 : 0

  location_type = "availability-zone"

  filter {
    name   = "instance-type"
    values = [var.instance_type]
  }
}

data "aws_vpc" "default" {
  count = var.subnet_id == null ? 1 : 0

  default = true
}

data "aws_subnets" "default" {
  count = var.subnet_id == null ? 1 : 0

  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default[0].id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }

  filter {
    name   = "availability-zone"
    values = data.aws_ec2_instance_type_offerings.this[0].locations
  }
}

locals {
  subnet_id = var.subnet_id != null ? var.subnet_id : try(sort(data.aws_subnets.default[0].ids)[0], null)
}

data "aws_subnet" "selected" {
  id = local.subnet_id

  lifecycle {
    precondition {
      condition     = local.subnet_id != null
      error_message = "No subnet found: set subnet_id, or create a default VPC (aws ec2 create-default-vpc) in this region."
    }
  }
}

data "aws_vpc" "selected" {
  id = data.aws_subnet.selected.vpc_id
}
