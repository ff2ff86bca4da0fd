terraform {
  # 1.9 is the first release whose variable validations may refer to other variables; the optional
  # playbook run uses terraform_data (1.4+).
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    # 5.100 and 6.x both work: the module uses nothing that only one of them has. tests/run checks
    # every argument against the 6.25.0 schema; tests/apply validates and applies with 5.100.0 (the
    # version of the offline mirror its lock file comes from). The AWS provider is the only one
    # needed: the Ansible inventory is an output (see README.md), not a file the module writes.
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}
