mock_provider "aws" {
  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:role/terraform"
      user_id    = "AROAEXAMPLE"
    }
  }

  override_data {
    target = data.aws_partition.current
    values = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  override_data {
    target = data.aws_region.current
    values = {
      region = "eu-west-1"
    }
  }

  override_data {
    target = data.aws_ec2_managed_prefix_list.cloudfront
    values = {
      id = "pl-4fa04526"
    }
  }

  override_data {
    target = data.aws_elb_service_account.this
    values = {
      arn = "arn:aws:iam::156460612806:root"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.ecs_tasks_trust
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}}]}"
    }
  }
}

variables {
  name               = "currency-api-dev"
  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  image              = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:1.2.3-20260101120000"
  ecr_repository_arn = "arn:aws:ecr:eu-west-1:123456789012:repository/currency-api"
  container_environment = {
    RATES_PROVIDER = "ecb"
    LOG_LEVEL      = "info"
  }
}

run "accepts_largest_memory_for_4096_cpu_and_spot_on_x86" {
  command = apply

  variables {
    cpu                 = 4096
    memory              = 30720
    cpu_architecture    = "X86_64"
    fargate_spot_weight = 1
    stop_timeout        = 120
  }

  assert {
    condition     = aws_ecs_task_definition.this.cpu == "4096" && aws_ecs_task_definition.this.memory == "30720"
    error_message = "4096/30720 is a valid Fargate size."
  }
}

run "accepts_mid_range_memory_for_1024_cpu" {
  command = apply

  variables {
    cpu    = 1024
    memory = 3072
  }

  assert {
    condition     = aws_ecs_task_definition.this.memory == "3072"
    error_message = "1024/3072 is a valid Fargate size."
  }
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Currency_API"
  }

  expect_failures = [var.name]
}

run "rejects_bad_vpc_id" {
  command = plan

  variables {
    vpc_id = "my-vpc"
  }

  expect_failures = [var.vpc_id]
}

run "rejects_one_subnet" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "rejects_non_subnet_ids" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "sg-0bbbbbbbbbbbbbbbb"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "rejects_empty_image" {
  command = plan

  variables {
    image = " "
  }

  expect_failures = [var.image]
}

run "rejects_latest_image" {
  command = plan

  variables {
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:latest"
  }

  expect_failures = [var.image]
}

run "rejects_untagged_image" {
  command = plan

  variables {
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api"
  }

  expect_failures = [var.image]
}

run "rejects_bad_repository_arn" {
  command = plan

  variables {
    ecr_repository_arn = "arn:aws:s3:::currency-api"
  }

  expect_failures = [var.ecr_repository_arn]
}

run "rejects_unknown_architecture" {
  command = plan

  variables {
    cpu_architecture = "ARM32"
  }

  expect_failures = [var.cpu_architecture]
}

run "rejects_non_fargate_cpu" {
  command = plan

  variables {
    cpu = 300
  }

  expect_failures = [var.cpu]
}

run "rejects_too_much_memory_for_256_cpu" {
  command = plan

  variables {
    cpu    = 256
    memory = 4096
  }

  expect_failures = [var.memory]
}

run "rejects_too_little_memory_for_1024_cpu" {
  command = plan

  variables {
    cpu    = 1024
    memory = 1024
  }

  expect_failures = [var.memory]
}

run "rejects_off_step_memory_for_4096_cpu" {
  command = plan

  variables {
    cpu    = 4096
    memory = 9000
  }

  expect_failures = [var.memory]
}

run "rejects_desired_above_max" {
  command = plan

  variables {
    desired_count = 5
  }

  expect_failures = [var.desired_count]
}

run "rejects_desired_below_min" {
  command = plan

  variables {
    desired_count = 1
    min_capacity  = 2
  }

  expect_failures = [var.desired_count]
}

run "rejects_zero_min_capacity" {
  command = plan

  variables {
    desired_count = 1
    min_capacity  = 0
  }

  expect_failures = [var.min_capacity]
}

run "rejects_max_below_min" {
  command = plan

  variables {
    desired_count = 3
    min_capacity  = 3
    max_capacity  = 2
  }

  expect_failures = [var.max_capacity]
}

run "rejects_negative_spot_weight" {
  command = plan

  variables {
    cpu_architecture    = "X86_64"
    fargate_spot_weight = -1
  }

  expect_failures = [var.fargate_spot_weight]
}

run "rejects_spot_on_arm64" {
  command = plan

  variables {
    cpu_architecture    = "ARM64"
    fargate_spot_weight = 1
  }

  expect_failures = [var.fargate_spot_weight]
}

run "rejects_cpu_target_above_90" {
  command = plan

  variables {
    cpu_target_percent = 95
  }

  expect_failures = [var.cpu_target_percent]
}

run "rejects_zero_requests_per_target" {
  command = plan

  variables {
    requests_per_target = 0
  }

  expect_failures = [var.requests_per_target]
}

run "rejects_unsupported_log_retention" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_zero_access_logs_retention" {
  command = plan

  variables {
    access_logs_retention_days = 0
  }

  expect_failures = [var.access_logs_retention_days]
}

run "rejects_stop_timeout_within_drain_bound" {
  command = plan

  variables {
    stop_timeout = 20
  }

  expect_failures = [var.stop_timeout]
}

run "rejects_stop_timeout_above_fargate_max" {
  command = plan

  variables {
    stop_timeout = 121
  }

  expect_failures = [var.stop_timeout]
}

run "rejects_lowercase_env_name" {
  command = plan

  variables {
    container_environment = { log_level = "info" }
  }

  expect_failures = [var.container_environment]
}

run "rejects_port_override" {
  command = plan

  variables {
    container_environment = { PORT = "9090" }
  }

  expect_failures = [var.container_environment]
}

run "rejects_a_5xx_rate_above_100_percent" {
  command = plan
  variables {
    deployment_alarms = { target_5xx_rate_percent = 150 }
  }
  expect_failures = [var.deployment_alarms]
}

run "rejects_an_arn_as_network_dependency" {
  command = plan
  variables {
    network_dependency_ids = ["arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/vpce-0a1b2c3d"]
  }
  expect_failures = [var.network_dependency_ids]
}
