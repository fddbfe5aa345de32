mock_provider "aws" {
  override_data {
    target = data.aws_availability_zones.available
    values = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }

  override_data {
    target = data.aws_region.current
    values = {
      region = "eu-west-1"
    }
  }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  override_data {
    target = data.aws_partition.current
    values = {
      partition = "aws"
    }
  }
}

variables {
  name = "currency-api-test"
}

run "defaults_two_azs_single_nat" {
  command = apply

  # The filtering itself happens in AWS; what the module owns is the request.
  assert {
    condition     = length(setsubtract(["use1-az3", "usw1-az2", "apne1-az3", "cac1-az3"], data.aws_availability_zones.available.exclude_zone_ids)) == 0
    error_message = "The AZ lookup must exclude the zones CloudFront VPC origins do not support."
  }

  assert {
    condition     = output.azs == tolist(["eu-west-1a", "eu-west-1b"])
    error_message = "The default az_count must use the first two available AZs."
  }

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "Two AZs must give two public and two private subnets."
  }

  assert {
    condition     = aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "The VPC needs DNS support and hostnames for interface endpoint private DNS."
  }

  assert {
    condition     = alltrue([for s in concat(values(aws_subnet.public), values(aws_subnet.private)) : s.map_public_ip_on_launch == false])
    error_message = "No subnet may map public IPs on launch."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "nat_gateway_mode = \"single\" must create exactly one NAT gateway and one EIP."
  }

  assert {
    condition     = aws_nat_gateway.this["eu-west-1a"].subnet_id == aws_subnet.public["eu-west-1a"].id
    error_message = "The single NAT gateway must sit in the first AZ's public subnet."
  }

  assert {
    condition     = length(aws_route_table.private) == 2 && length(aws_route.private_nat) == 2
    error_message = "There must be one private route table and one NAT route per AZ."
  }

  # Mocked IDs are equal across the instances of a resource, so which NAT gateway a route uses
  # is checked through the route table's EgressNatAz tag, set from the same map as the route.
  assert {
    condition     = alltrue([for r in values(aws_route.private_nat) : r.nat_gateway_id == aws_nat_gateway.this["eu-west-1a"].id && r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "In single mode every private default route must point at the single NAT gateway."
  }

  assert {
    condition     = alltrue([for rt in values(aws_route_table.private) : rt.tags["EgressNatAz"] == "eu-west-1a"])
    error_message = "In single mode every private route table must egress through the first AZ's NAT gateway."
  }

  assert {
    condition     = aws_route.public_internet.gateway_id == aws_internet_gateway.this.id && aws_route.public_internet.destination_cidr_block == "0.0.0.0/0"
    error_message = "The public route table's default route must point at the internet gateway."
  }

  assert {
    condition     = alltrue([for az, a in aws_route_table_association.private : a.route_table_id == aws_route_table.private[az].id])
    error_message = "Each private subnet must use its own AZ's private route table."
  }

  assert {
    condition     = alltrue([for a in values(aws_route_table_association.public) : a.route_table_id == aws_route_table.public.id])
    error_message = "Each public subnet must use the public route table."
  }

  assert {
    condition     = aws_subnet.private["eu-west-1a"].cidr_block == "10.0.0.0/18" && aws_subnet.private["eu-west-1b"].cidr_block == "10.0.64.0/18"
    error_message = "Private subnets must take the first quarters of the VPC."
  }

  assert {
    condition     = aws_subnet.public["eu-west-1a"].cidr_block == "10.0.192.0/20" && aws_subnet.public["eu-west-1b"].cidr_block == "10.0.208.0/20"
    error_message = "Public subnets must share the last quarter of the VPC."
  }
}

run "default_security_group_locked_down" {
  command = apply

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must have no ingress and no egress rules."
  }

  assert {
    condition     = aws_default_security_group.this.vpc_id == aws_vpc.this.id
    error_message = "The locked-down default security group must be this VPC's."
  }
}

run "flow_logs_encrypted_with_retention" {
  command = apply

  variables {
    flow_log_retention_days = 90
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "The VPC flow log must capture ALL traffic into CloudWatch Logs."
  }

  assert {
    condition     = aws_flow_log.this.vpc_id == aws_vpc.this.id && aws_flow_log.this.iam_role_arn == aws_iam_role.flow_log.arn && aws_flow_log.this.log_destination == aws_cloudwatch_log_group.flow_log.arn
    error_message = "The flow log must cover this VPC and deliver to its log group through its role."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_log.kms_key_id == aws_kms_key.flow_log.arn
    error_message = "The flow log group must be encrypted with the module's KMS key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_log.retention_in_days == 90
    error_message = "The flow log group's retention must come from flow_log_retention_days."
  }

  assert {
    condition     = aws_kms_key.flow_log.enable_key_rotation
    error_message = "The flow log KMS key must rotate."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_kms_key.flow_log.policy).Statement :
      s.Principal == { Service = "logs.eu-west-1.amazonaws.com" } &&
      s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc-flow-logs/currency-api-test"
    ])
    error_message = "The key policy must let CloudWatch Logs use the key only for the flow log group."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_kms_key.flow_log.policy).Statement : alltrue([for a in flatten([s.Action]) : a != "*" && a != "kms:*"])])
    error_message = "The key policy must not grant * or kms:*."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role.flow_log.assume_role_policy).Statement :
      s.Principal == { Service = "vpc-flow-logs.amazonaws.com" } && s.Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    ])
    error_message = "Only VPC Flow Logs of this account may assume the delivery role."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.flow_log.policy).Statement : [
        for a in flatten([s.Action]) : startswith(a, "logs:") && !strcontains(a, "*")
      ]
    ]))
    error_message = "The delivery role may only use named CloudWatch Logs actions."
  }

  assert {
    condition = alltrue([
      for r in flatten([jsondecode(aws_iam_role_policy.flow_log.policy).Statement[0].Resource]) :
      startswith(r, aws_cloudwatch_log_group.flow_log.arn)
    ])
    error_message = "The delivery role's write statement must be scoped to the flow log group."
  }
}

run "three_azs_per_az_nat" {
  command = apply

  variables {
    az_count         = 3
    nat_gateway_mode = "per_az"
    cidr_block       = "10.20.0.0/22"
  }

  assert {
    condition     = output.azs == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    error_message = "az_count = 3 must use the first three available AZs."
  }

  assert {
    condition     = length(output.public_subnet_ids) == 3 && length(output.private_subnet_ids) == 3 && length(output.private_route_table_ids) == 3
    error_message = "Three AZs must give three public and private subnets and three private route tables."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(output.nat_gateway_public_ips) == 3
    error_message = "nat_gateway_mode = \"per_az\" must create one NAT gateway (and EIP) per AZ."
  }

  assert {
    condition     = alltrue([for az, r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[az].id && r.route_table_id == aws_route_table.private[az].id])
    error_message = "In per_az mode each private route table must route through its own AZ's NAT gateway."
  }

  assert {
    condition     = alltrue([for az, rt in aws_route_table.private : rt.tags["EgressNatAz"] == az])
    error_message = "In per_az mode each private route table must egress through its own AZ's NAT gateway."
  }

  assert {
    condition     = toset(keys(aws_nat_gateway.this)) == toset(output.azs) && alltrue([for az, n in aws_nat_gateway.this : n.tags["Name"] == "currency-api-test-${az}"])
    error_message = "In per_az mode there must be one NAT gateway in each AZ."
  }

  assert {
    condition     = alltrue([for az, n in aws_nat_gateway.this : n.subnet_id == aws_subnet.public[az].id])
    error_message = "Each NAT gateway must sit in its own AZ's public subnet."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.private[az].cidr_block] == ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]
    error_message = "A /22 VPC must get /24 private subnets."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.public[az].cidr_block] == ["10.20.3.0/26", "10.20.3.64/26", "10.20.3.128/26"]
    error_message = "A /22 VPC must get /26 public subnets in its last quarter."
  }

  assert {
    condition     = output.vpc_cidr_block == "10.20.0.0/22" && output.vpc_id == aws_vpc.this.id
    error_message = "The VPC outputs must describe the created VPC."
  }

  assert {
    condition     = output.private_subnet_ids == [for az in output.azs : aws_subnet.private[az].id]
    error_message = "private_subnet_ids must follow the order of azs."
  }
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Currency_API"
  }

  expect_failures = [var.name]
}

run "rejects_non_cidr" {
  command = plan

  variables {
    cidr_block = "10.0.0.0"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_cidr_too_large" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/8"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_cidr_too_small" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/24"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_cidr_with_host_bits" {
  command = plan

  variables {
    cidr_block = "10.0.1.0/16"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_ipv6_cidr" {
  command = plan

  variables {
    cidr_block = "2001:db8::/56"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_one_az" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "rejects_four_azs" {
  command = plan

  variables {
    az_count = 4
  }

  expect_failures = [var.az_count]
}

run "rejects_unknown_nat_mode" {
  command = plan

  variables {
    nat_gateway_mode = "none"
  }

  expect_failures = [var.nat_gateway_mode]
}

run "rejects_unsupported_retention" {
  command = plan

  variables {
    flow_log_retention_days = 31
  }

  expect_failures = [var.flow_log_retention_days]
}

run "rejects_never_expiring_retention" {
  command = plan

  variables {
    flow_log_retention_days = 0
  }

  expect_failures = [var.flow_log_retention_days]
}
