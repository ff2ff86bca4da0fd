################################################################################
# Optional S3 gateway endpoint: S3 traffic stays on the AWS network, at no charge.
# No endpoint policy is set: the Amazon Linux package repositories are S3 buckets too.
################################################################################

data "aws_region" "current" {}

resource "aws_vpc_endpoint" "s3" {
  count = var.create_s3_vpc_endpoint ? 1 : 0

  vpc_id            = data.aws_subnet.selected.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = length(var.vpc_endpoint_route_table_ids) > 0 ? var.vpc_endpoint_route_table_ids : [data.aws_vpc.selected.main_route_table_id]

  tags = merge(local.tags, { Name = "${var.name}-s3" })
}
