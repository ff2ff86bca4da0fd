################################################################################
# Optional S3 gateway endpoint: S3 traffic stays on the AWS network, at no charge.
# No endpoint policy is set: the Amazon Linux package repositories are S3 buckets too.
################################################################################

# The service name (com.amazonaws.<region>.s3, other prefixes in other partitions) as AWS names it,
# instead of one built from the region: aws_region's region attribute exists only in provider 6.x,
# and its name attribute is deprecated there.
data "aws_vpc_endpoint_service" "s3" {
  count = var.create_s3_vpc_endpoint ? 1 : 0

  service      = "s3"
  service_type = "Gateway"
}

resource "aws_vpc_endpoint" "s3" {
  count = var.create_s3_vpc_endpoint ? 1 : 0

  vpc_id            = data.aws_subnet.selected.vpc_id
  service_name      = data.aws_vpc_endpoint_service.s3[0].service_name
  vpc_endpoint_type = "Gateway"
  route_table_ids   = length(var.vpc_endpoint_route_table_ids) > 0 ? var.vpc_endpoint_route_table_ids : [data.aws_vpc.selected.main_route_table_id]

  tags = merge(local.tags, { Name = "${var.name}-s3" })
}
