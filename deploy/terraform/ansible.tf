################################################################################
# Hand-off to Ansible: a generated inventory, and (opt-in) one playbook run.
################################################################################

locals {
  ansible_host = coalesce(aws_instance.this.public_ip, aws_instance.this.private_ip)

  ansible_inventory = templatefile("${path.module}/templates/inventory.yml.tftpl", {
    host_name                    = "${var.name}-1"
    ansible_host                 = local.ansible_host
    ansible_user                 = local.ssh_user
    ansible_ssh_private_key_file = var.ssh_private_key_path
    s3proc_bucket                = aws_s3_bucket.this.id
    s3proc_region                = data.aws_region.current.region
    s3proc_input_prefix          = local.prefixes.input
    s3proc_output_prefix         = local.prefixes.output
    s3proc_error_prefix          = local.prefixes.errors
  })

  # deploy/terraform/inventory.yml by default, the file deploy/ansible/site.yml documents.
  ansible_inventory_path = var.ansible_inventory_path != null ? var.ansible_inventory_path : "${path.module}/inventory.yml"
}

resource "local_file" "ansible_inventory" {
  filename             = local.ansible_inventory_path
  content              = local.ansible_inventory
  file_permission      = "0644"
  directory_permission = "0755"
}

# Off by default. Waits until the host answers on SSH, then configures it with deploy/ansible.
resource "terraform_data" "ansible_playbook" {
  count = var.run_ansible_playbook ? 1 : 0

  triggers_replace = [
    aws_instance.this.id,
    local_file.ansible_inventory.content_sha256,
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

  provisioner "local-exec" {
    working_dir = path.module
    command     = "ansible-playbook -i '${abspath(local_file.ansible_inventory.filename)}' ../ansible/site.yml"
    environment = {
      # deploy/ansible's settings (roles path, SSH options) apply although the playbook runs from here.
      ANSIBLE_CONFIG = abspath("${path.module}/../ansible/ansible.cfg")
    }
  }
}
