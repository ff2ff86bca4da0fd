################################################################################
# SSH (22) and HTTPS (443) from the CIDRs you name; out only to 80/443.
################################################################################

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "s3proc host: SSH and HTTPS from the operator's CIDRs only"
  vpc_id      = data.aws_subnet.selected.vpc_id

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

# CKV_AWS_24: never 0.0.0.0/0 (the variable's validation refuses it).
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = toset(var.ssh_ingress_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "SSH from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = toset(local.https_ingress_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = local.tags
}

# CKV_AWS_382: no all-protocol egress. S3, STS and the package repositories speak HTTPS (and the
# Amazon Linux 2 repositories plain HTTP); DNS and NTP go to link-local addresses no rule governs.
resource "aws_vpc_security_group_egress_rule" "web" {
  for_each = {
    for pair in setproduct(var.egress_cidrs, [80, 443]) : "${pair[0]}:${pair[1]}" => {
      cidr = pair[0]
      port = pair[1]
    }
  }

  security_group_id = aws_security_group.this.id
  description       = "TCP ${each.value.port} to ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = local.tags
}
