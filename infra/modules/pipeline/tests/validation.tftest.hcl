mock_provider "aws" {}

variables {
  name                   = "currency-api-dev"
  ecr_repository_arn     = "arn:aws:ecr:eu-west-1:123456789012:repository/currency-api-dev"
  ecr_repository_url     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api-dev"
  cluster_name           = "currency-api-dev"
  service_name           = "currency-api-dev"
  task_definition_family = "currency-api-dev"
  task_role_arn          = "arn:aws:iam::123456789012:role/currency-api-dev-task"
  execution_role_arn     = "arn:aws:iam::123456789012:role/currency-api-dev-execution"
}

run "rejects_a_name_that_cannot_name_a_bucket" {
  command = plan
  variables {
    name = "Currency_API"
  }
  expect_failures = [var.name]
}

run "rejects_an_unknown_architecture" {
  command = plan
  variables {
    cpu_architecture = "arm64"
  }
  expect_failures = [var.cpu_architecture]
}

run "rejects_a_lambda_compute_type" {
  command = plan
  variables {
    compute_type = "BUILD_LAMBDA_1GB"
  }
  expect_failures = [var.compute_type]
}

run "rejects_a_build_timeout_shorter_than_a_rollout" {
  command = plan
  variables {
    build_timeout_minutes = 10
  }
  expect_failures = [var.build_timeout_minutes]
}

run "rejects_a_fractional_deploy_timeout" {
  command = plan
  variables {
    deploy_timeout_minutes = 7.5
  }
  expect_failures = [var.deploy_timeout_minutes]
}

run "rejects_an_unknown_severity" {
  command = plan
  variables {
    fail_on_severity = "SEVERE"
  }
  expect_failures = [var.fail_on_severity]
}

run "rejects_a_source_key_that_is_not_a_zip" {
  command = plan
  variables {
    source_key = "source/currency-api.tar.gz"
  }
  expect_failures = [var.source_key]
}

run "rejects_a_bootstrap_bundle_that_is_not_a_zip" {
  command = plan
  variables {
    bootstrap_bundle = "dist/currency-api-source.tar"
  }
  expect_failures = [var.bootstrap_bundle]
}

run "rejects_a_repository_url_with_a_tag" {
  command = plan
  variables {
    ecr_repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api-dev:latest"
  }
  expect_failures = [var.ecr_repository_url]
}

run "rejects_a_pass_role_target_that_is_not_a_role" {
  command = plan
  variables {
    task_role_arn = "*"
  }
  expect_failures = [var.task_role_arn]
}

run "rejects_an_alarm_topic_that_is_not_sns" {
  command = plan
  variables {
    alarm_topic_arns = ["arn:aws:sqs:eu-west-1:123456789012:q"]
  }
  expect_failures = [var.alarm_topic_arns]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

# A role session ARN never equals aws:PrincipalArn (the role's ARN): such an
# entry would silently lock its owner out.
run "rejects_a_session_arn_as_release_principal" {
  command = plan
  variables {
    release_principal_arns = ["arn:aws:sts::123456789012:assumed-role/ci-release/session"]
  }
  expect_failures = [var.release_principal_arns]
}
