################################################################################
# Either an existing key pair (key_name) or one imported from your public key file.
# The private key never passes through Terraform.
################################################################################

resource "aws_key_pair" "this" {
  count = var.public_key_path == null ? 0 : 1

  key_name_prefix = "${var.name}-"
  public_key      = trimspace(file(pathexpand(var.public_key_path)))

  tags = local.tags
}

locals {
  key_name = var.public_key_path == null ? var.key_name : aws_key_pair.this[0].key_name
}
