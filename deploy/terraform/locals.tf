locals {
  # The prefixes s3proc works with. input/, output/ and errors/ are what users see (and get folder
  # markers); leases/ holds the short-lived lease objects that make several hosts safe.
  # tests/lib/expected_s3_access.js lists what the processor does under each of them.
  prefixes = {
    input  = "input/"
    output = "output/"
    errors = "errors/"
    leases = "leases/"
  }
  folder_markers = toset([local.prefixes.input, local.prefixes.output, local.prefixes.errors])

  tags = merge(
    {
      Name      = var.name
      Project   = "s3proc"
      ManagedBy = "terraform"
    },
    var.tags,
  )

  https_ingress_cidrs = var.https_ingress_cidrs == null ? var.ssh_ingress_cidrs : var.https_ingress_cidrs
  access_log_prefix   = var.access_log_prefix == null ? "${var.name}/" : var.access_log_prefix

  ssh_user = "ec2-user" # the same on Amazon Linux 2 and 2023
}
