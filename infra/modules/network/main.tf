# CloudFront VPC origins cannot reach an internal ALB in these zones
# ("Restrict access with VPC origins", CloudFront Developer Guide:
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
# Zone IDs, not names: names are shuffled per account, IDs are not. Excluding
# them in every region is harmless (an ID exists in one region only).
data "aws_availability_zones" "available" {
  state            = "available"
  exclude_zone_ids = local.vpc_origin_unsupported_zone_ids

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  vpc_origin_unsupported_zone_ids = ["use1-az3", "usw1-az2", "apne1-az3", "cac1-az3"]

  azs = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Position of each AZ, so a subnet keeps its CIDR when az_count grows.
  az_index = { for i, az in local.azs : az => i }

  # Private subnets take quarters 0-2 of the VPC (a /18 each in a /16, a /24 in a /22); public
  # subnets share quarter 3, cut into four (a /20 each in a /16, a /26 in a /22): only the NAT
  # gateways live there.
  private_cidrs = { for az, i in local.az_index : az => cidrsubnet(var.cidr_block, 2, i) }
  public_cidrs  = { for az, i in local.az_index : az => cidrsubnet(cidrsubnet(var.cidr_block, 2, 3), 2, i) }

  nat_azs = var.nat_gateway_mode == "per_az" ? local.azs : [local.azs[0]]
  # AZ of the NAT gateway each AZ's private subnets egress through.
  nat_az_by_az = { for az in local.azs : az => var.nat_gateway_mode == "per_az" ? az : local.nat_azs[0] }

  region         = data.aws_region.current.region
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  flow_log_group = "/aws/vpc-flow-logs/${var.name}"
  flow_log_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group}"
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr_block
  # Both are required for private DNS names of interface endpoints.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = var.name
  }
}

# Adopts the VPC's default security group and removes all its rules, so nothing that forgets
# to name a security group gets network access.
resource "aws_default_security_group" "this" {
  vpc_id  = aws_vpc.this.id
  ingress = []
  egress  = []

  tags = {
    Name = "${var.name}-default-deny"
  }
}

# Needed for the NAT gateways' egress, and CloudFront VPC origins require the VPC to have one.
resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "public" {
  for_each = local.public_cidrs

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = each.value
  # Only the NAT gateways live here, with their own Elastic IPs.
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name}-public-${each.key}"
    Tier = "public"
  }
}

resource "aws_subnet" "private" {
  for_each = local.private_cidrs

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name}-private-${each.key}"
    Tier = "private"
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-public"
  }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)

  domain = "vpc"

  tags = {
    Name = "${var.name}-nat-${each.key}"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id

  tags = {
    Name = "${var.name}-${each.key}"
  }

  depends_on = [aws_internet_gateway.this]
}

# One private route table per AZ in both NAT modes, so switching modes only changes routes
# and gateway endpoints always see the same tables.
resource "aws_route_table" "private" {
  for_each = local.az_index

  vpc_id = aws_vpc.this.id

  tags = {
    Name        = "${var.name}-private-${each.key}"
    EgressNatAz = local.nat_az_by_az[each.key]
  }
}

resource "aws_route" "private_nat" {
  for_each = aws_route_table.private

  route_table_id         = each.value.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[local.nat_az_by_az[each.key]].id
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}

# --- VPC flow logs -----------------------------------------------------------------------------

resource "aws_kms_key" "flow_log" {
  description         = "${var.name} VPC flow log group"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Key administration and use for the account, delegated to IAM policies. Listed instead
        # of kms:* so no statement grants a service wildcard. A key policy's resource is always
        # "*", meaning this key.
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "kms:CancelKeyDeletion",
          "kms:Create*",
          "kms:Decrypt",
          "kms:Delete*",
          "kms:Describe*",
          "kms:Disable*",
          "kms:Enable*",
          "kms:Encrypt",
          "kms:GenerateDataKey*",
          "kms:Get*",
          "kms:List*",
          "kms:Put*",
          "kms:ReEncrypt*",
          "kms:Revoke*",
          "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:Update*",
        ]
        Resource = "*"
      },
      {
        Sid       = "CloudWatchLogsFlowLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource = "*"
        Condition = {
          ArnEquals = {
            "kms:EncryptionContext:aws:logs:arn" = local.flow_log_arn
          }
        }
      },
    ]
  })

  tags = {
    Name = "${var.name}-vpc-flow-logs"
  }
}

resource "aws_kms_alias" "flow_log" {
  name          = "alias/${var.name}-vpc-flow-logs"
  target_key_id = aws_kms_key.flow_log.key_id
}

resource "aws_cloudwatch_log_group" "flow_log" {
  name              = local.flow_log_group
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = aws_kms_key.flow_log.arn
}

resource "aws_iam_role" "flow_log" {
  name        = "${var.name}-vpc-flow-logs"
  description = "Delivers the ${var.name} VPC flow logs to CloudWatch Logs."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "vpc-flow-logs.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*" }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "flow_log" {
  name = "deliver-to-log-group"
  role = aws_iam_role.flow_log.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteFlowLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = [aws_cloudwatch_log_group.flow_log.arn, "${aws_cloudwatch_log_group.flow_log.arn}:*"]
      },
      {
        # DescribeLogGroups lists groups and cannot be narrowed to one; it is kept to this
        # account and region.
        Sid      = "DescribeLogGroups"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
      },
    ]
  })
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_log.arn
  iam_role_arn         = aws_iam_role.flow_log.arn

  tags = {
    Name = var.name
  }
}
