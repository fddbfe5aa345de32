mock_provider "aws" {
  override_data {
    target = data.aws_region.current
    values = {
      region = "eu-west-1"
    }
  }
}

variables {
  name                    = "currency-api-test"
  vpc_id                  = "vpc-0123456789abcdef0"
  vpc_cidr_block          = "10.0.0.0/16"
  private_subnet_ids      = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  private_route_table_ids = ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"]
}

run "defaults_ecr_logs_and_s3" {
  command = apply

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"])
    error_message = "By default there must be interface endpoints for ecr.api, ecr.dkr and logs, and no others."
  }

  assert {
    condition     = alltrue([for svc, e in aws_vpc_endpoint.interface : e.service_name == "com.amazonaws.eu-west-1.${svc}" && e.vpc_endpoint_type == "Interface"])
    error_message = "Interface endpoint service names must be com.amazonaws.<region>.<service>."
  }

  assert {
    condition     = alltrue([for e in values(aws_vpc_endpoint.interface) : e.private_dns_enabled])
    error_message = "Every interface endpoint must have private DNS on, so SDKs and the ECS agent use it unchanged."
  }

  assert {
    condition     = alltrue([for e in values(aws_vpc_endpoint.interface) : toset(e.subnet_ids) == toset(var.private_subnet_ids) && e.vpc_id == var.vpc_id])
    error_message = "Interface endpoints must be in the VPC's private subnets."
  }

  assert {
    condition     = alltrue([for e in values(aws_vpc_endpoint.interface) : toset(e.security_group_ids) == toset([aws_security_group.this[0].id])])
    error_message = "Interface endpoints must use only the endpoint security group."
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 1 && aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "The S3 gateway endpoint must be on by default."
  }

  assert {
    condition     = toset(aws_vpc_endpoint.s3[0].route_table_ids) == toset(var.private_route_table_ids)
    error_message = "The S3 gateway endpoint must be attached to every private route table."
  }
}

run "security_group_https_from_vpc_only" {
  command = apply

  assert {
    condition     = length(aws_security_group.this) == 1 && aws_security_group.this[0].vpc_id == var.vpc_id
    error_message = "There must be one endpoint security group in the VPC."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.https_from_vpc) == 1
    error_message = "The endpoint security group must have exactly one ingress rule."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.https_from_vpc[0].ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.https_from_vpc[0].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.https_from_vpc[0].to_port == 443 &&
      aws_vpc_security_group_ingress_rule.https_from_vpc[0].cidr_ipv4 == "10.0.0.0/16" &&
      aws_vpc_security_group_ingress_rule.https_from_vpc[0].security_group_id == aws_security_group.this[0].id
    )
    error_message = "The only ingress rule must admit TCP 443 from the VPC CIDR."
  }

  assert {
    condition     = length(coalesce(aws_security_group.this[0].ingress, [])) == 0 && length(coalesce(aws_security_group.this[0].egress, [])) == 0
    error_message = "The endpoint security group must have no inline rules (no egress at all)."
  }
}

run "extra_endpoints_apply" {
  command = apply

  variables {
    interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
  }

  assert {
    condition     = toset(keys(output.interface_endpoint_ids)) == toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager"])
    error_message = "interface_endpoint_ids must hold one ID per requested service."
  }

  assert {
    condition     = output.interface_endpoint_ids["secretsmanager"] == aws_vpc_endpoint.interface["secretsmanager"].id
    error_message = "interface_endpoint_ids must map each service to its endpoint."
  }

  assert {
    condition     = output.security_group_id == aws_security_group.this[0].id
    error_message = "security_group_id must be the endpoint security group."
  }

  assert {
    condition     = output.s3_gateway_endpoint_id == aws_vpc_endpoint.s3[0].id
    error_message = "s3_gateway_endpoint_id must be the S3 gateway endpoint."
  }
}

run "interface_endpoints_off" {
  command = apply

  variables {
    interface_endpoints = []
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(output.interface_endpoint_ids) == 0
    error_message = "An empty interface_endpoints set must create no interface endpoint."
  }

  assert {
    condition     = length(aws_security_group.this) == 0 && length(aws_vpc_security_group_ingress_rule.https_from_vpc) == 0 && output.security_group_id == null
    error_message = "Without interface endpoints there must be no endpoint security group."
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 1 && output.s3_gateway_endpoint_id != null
    error_message = "The S3 gateway endpoint must stay on independently of the interface endpoints."
  }
}

run "everything_off" {
  command = apply

  variables {
    interface_endpoints = []
    enable_s3_gateway   = false
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(aws_security_group.this) == 0
    error_message = "With both toggles off the module must create nothing."
  }

  assert {
    condition     = output.s3_gateway_endpoint_id == null && output.security_group_id == null
    error_message = "Disabled endpoints must output null IDs."
  }
}

run "s3_gateway_off_without_ecr_dkr" {
  command = apply

  variables {
    interface_endpoints = ["logs"]
    enable_s3_gateway   = false
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 0 && keys(aws_vpc_endpoint.interface) == ["logs"]
    error_message = "The S3 gateway may be off when ecr.dkr is not an interface endpoint."
  }
}

run "rejects_ecr_dkr_without_s3_gateway" {
  command = plan

  variables {
    enable_s3_gateway = false
  }

  expect_failures = [var.enable_s3_gateway]
}

run "rejects_unknown_service" {
  command = plan

  variables {
    interface_endpoints = ["ecr.api", "ec2"]
  }

  expect_failures = [var.interface_endpoints]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "-bad"
  }

  expect_failures = [var.name]
}

run "rejects_bad_vpc_cidr" {
  command = plan

  variables {
    vpc_cidr_block = "0.0.0.0"
  }

  expect_failures = [var.vpc_cidr_block]
}

run "rejects_no_subnets_with_interface_endpoints" {
  command = plan

  variables {
    private_subnet_ids = []
  }

  expect_failures = [var.private_subnet_ids]
}

run "rejects_no_route_tables_with_s3_gateway" {
  command = plan

  variables {
    private_route_table_ids = []
  }

  expect_failures = [var.private_route_table_ids]
}
