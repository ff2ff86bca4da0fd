################################################################################
# Hand-off to Ansible: the inventory as an output, and (opt-in) one playbook run.
#
# The module writes no file itself (that would need the hashicorp/local provider, one more
# download): `terraform output -raw ansible_inventory > inventory.yml` writes it; see README.md.
################################################################################

locals {
  # One inventory host per instance, s3proc-1 .. s3proc-N, in instance order.
  ansible_hosts = [
    for i, inst in aws_instance.this : {
      name    = "${var.name}-${i + 1}"
      address = coalesce(inst.public_ip, inst.private_ip)
    }
  ]
  # The first host: where the optional playbook run waits for SSH, and the ssh_command output.
  ansible_host = local.ansible_hosts[0].address

  ansible_inventory = templatefile("${path.module}/templates/inventory.yml.tftpl", {
    hosts                        = local.ansible_hosts
    ansible_user                 = local.ssh_user
    ansible_ssh_private_key_file = var.ssh_private_key_path
    s3proc_bucket                = aws_s3_bucket.this.id
    s3proc_region                = aws_s3_bucket.this.region
    s3proc_input_prefix          = local.prefixes.input
    s3proc_output_prefix         = local.prefixes.output
    s3proc_error_prefix          = local.prefixes.errors
    s3proc_queue_url             = local.queue_url
  })

  # deploy/terraform/inventory.yml by default, the file deploy/ansible/site.yml documents.
  ansible_inventory_path = var.ansible_inventory_path != null ? var.ansible_inventory_path : "${path.module}/inventory.yml"
}

# Off by default. Waits until the first host answers on SSH (the playbook itself waits for the
# others: bootstrap.yml), writes the inventory, then configures every host with deploy/ansible.
resource "terraform_data" "ansible_playbook" {
  count = var.run_ansible_playbook ? 1 : 0

  triggers_replace = [
    aws_instance.this[*].id,
    sha256(local.ansible_inventory),
  ]

  connection {
    type        = "ssh"
    host        = local.ansible_host
    user        = local.ssh_user
    private_key = file(pathexpand(var.ssh_private_key_path))
    timeout     = "5m"
  }

  provisioner "remote-exec" {
    inline = ["cloud-init status --wait >/dev/null 2>&1 || true"]
  }

  # The inventory travels in the environment, not the command line, so no quoting can break it;
  # it is written to a temp name and renamed, so a half-written file never has the final name.
  provisioner "local-exec" {
    working_dir = path.module
    command     = "printf '%s' \"$S3PROC_INVENTORY\" > \"$S3PROC_INVENTORY_PATH.tmp\" && mv \"$S3PROC_INVENTORY_PATH.tmp\" \"$S3PROC_INVENTORY_PATH\" && ansible-playbook -i \"$S3PROC_INVENTORY_PATH\" ../ansible/site.yml"
    environment = {
      S3PROC_INVENTORY      = local.ansible_inventory
      S3PROC_INVENTORY_PATH = abspath(local.ansible_inventory_path)
      # deploy/ansible's settings (roles path, SSH options) apply although the playbook runs from here.
      ANSIBLE_CONFIG = abspath("${path.module}/../ansible/ansible.cfg")
    }
  }
}
