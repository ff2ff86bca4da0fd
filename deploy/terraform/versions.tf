terraform {
  # 1.9 is the first release whose variable validations may refer to other variables; the optional
  # playbook run uses terraform_data (1.4+).
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    # The offline schema check (tests/) compares every argument with hashicorp/aws 6.25.0.
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0.0, < 7.0.0"
    }
    # Writes the generated Ansible inventory to disk.
    local = {
      source  = "hashicorp/local"
      version = ">= 2.5.0, < 3.0.0"
    }
  }
}
