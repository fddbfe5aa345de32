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

run "alb_is_internal_in_private_subnets_and_answers_403_by_default" {
  command = apply

  assert {
    condition     = aws_lb.this.internal == true && aws_lb.this.load_balancer_type == "application"
    error_message = "The ALB must be internal."
  }

  assert {
    condition     = toset(aws_lb.this.subnets) == toset(var.private_subnet_ids)
    error_message = "The ALB must sit in the given private subnets."
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true
    error_message = "The ALB must drop invalid header fields."
  }

  assert {
    condition     = aws_lb.this.idle_timeout == 60 && aws_lb.this.enable_deletion_protection == false
    error_message = "Idle timeout 60; deletion protection follows the variable (false by default)."
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled == true && aws_lb.this.access_logs[0].prefix == "alb"
    error_message = "Access logs must be on."
  }

  assert {
    condition     = aws_lb_listener.http.port == 80 && aws_lb_listener.http.protocol == "HTTP"
    error_message = "The listener serves HTTP on 80 (the VPC origin's port)."
  }

  assert {
    condition = (
      length(aws_lb_listener.http.default_action) == 1 &&
      aws_lb_listener.http.default_action[0].type == "fixed-response" &&
      aws_lb_listener.http.default_action[0].fixed_response[0].status_code == "403" &&
      aws_lb_listener.http.default_action[0].fixed_response[0].content_type == "text/plain" &&
      aws_lb_listener.http.default_action[0].fixed_response[0].message_body == "Forbidden"
    )
    error_message = "The listener's only default action must be a fixed 403."
  }

  assert {
    condition     = length(aws_lb_listener.http.default_action[0].forward) == 0 && length(aws_lb_listener.http.default_action[0].redirect) == 0
    error_message = "The default action must never forward."
  }
}

run "target_group_checks_health_and_drains_fast" {
  command = apply

  assert {
    condition     = aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.port == 8080 && aws_lb_target_group.this.protocol == "HTTP"
    error_message = "IP targets on HTTP 8080 (awsvpc tasks)."
  }

  assert {
    condition = (
      aws_lb_target_group.this.health_check[0].path == "/health" &&
      aws_lb_target_group.this.health_check[0].matcher == "200" &&
      aws_lb_target_group.this.health_check[0].interval == 15 &&
      aws_lb_target_group.this.health_check[0].healthy_threshold == 2 &&
      aws_lb_target_group.this.health_check[0].unhealthy_threshold == 3
    )
    error_message = "Health check on /health, 200, every 15 s, 2 healthy / 3 unhealthy."
  }

  assert {
    condition     = tonumber(aws_lb_target_group.this.deregistration_delay) == 15
    error_message = "Deregistration delay 15 s."
  }
}

run "task_definition_is_hardened" {
  command = apply

  assert {
    condition = (
      aws_ecs_task_definition.this.network_mode == "awsvpc" &&
      toset(aws_ecs_task_definition.this.requires_compatibilities) == toset(["FARGATE"]) &&
      aws_ecs_task_definition.this.cpu == "256" && aws_ecs_task_definition.this.memory == "512"
    )
    error_message = "Fargate, awsvpc, 256/512 by default."
  }

  assert {
    condition     = aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "ARM64" && aws_ecs_task_definition.this.runtime_platform[0].operating_system_family == "LINUX"
    error_message = "ARM64 Linux by default."
  }

  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.this.container_definitions)) == 1 && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].name == "currency-api"
    error_message = "One container, currency-api."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "65532"
    error_message = "The container runs as the distroless nonroot user 65532."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The root filesystem must be read-only."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].privileged == false &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].linuxParameters.capabilities.drop == ["ALL"] &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].linuxParameters.capabilities.add == []
    )
    error_message = "No privileges: not privileged, every capability dropped, none added."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD", "/currency-api", "healthcheck"]
    error_message = "The health check runs the binary's own subcommand (the image has no shell or curl)."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout > 20
    error_message = "stopTimeout must exceed the app's 20 s drain bound."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 8080 &&
      length(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings) == 1
    )
    error_message = "The container exposes 8080 only."
  }

  assert {
    condition = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment == [
      { name = "LOG_LEVEL", value = "info" },
      { name = "PORT", value = "8080" },
      { name = "RATES_PROVIDER", value = "ecb" },
    ]
    error_message = "Environment is the map plus PORT=8080, sorted."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/currency-api-dev" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-region"] == "eu-west-1"
    )
    error_message = "awslogs to the module's log group."
  }
}

run "log_group_is_kms_encrypted_with_retention" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/ecs/currency-api-dev" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Log group /ecs/<name> with 30 days' retention by default."
  }

  assert {
    condition     = aws_kms_key.logs.enable_key_rotation == true
    error_message = "The logs key must rotate."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.logs_key.statement : anytrue([
        for c in s.condition : c.test == "ArnEquals" && c.variable == "kms:EncryptionContext:aws:logs:arn" && toset(c.values) == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/currency-api-dev"])
      ])
      if anytrue([for p in s.principals : p.type == "Service" && contains(p.identifiers, "logs.eu-west-1.amazonaws.com")])
    ]) && length([for s in data.aws_iam_policy_document.logs_key.statement : s if anytrue([for p in s.principals : p.type == "Service"])]) == 1
    error_message = "CloudWatch Logs may use the key only for this log group (encryption context condition)."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.logs_key.statement : [for a in s.actions : a != "*" && !endswith(a, ":*")]
    ]))
    error_message = "No wildcard action in the logs key policy."
  }
}

run "service_is_private_with_safe_deployments" {
  command = apply

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "Tasks get no public IP."
  }

  assert {
    condition     = toset(aws_ecs_service.this.network_configuration[0].subnets) == toset(var.private_subnet_ids)
    error_message = "Tasks run in the private subnets."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable == true && aws_ecs_service.this.deployment_circuit_breaker[0].rollback == true
    error_message = "Circuit breaker with rollback."
  }

  # The circuit breaker sees task health only; these see users.
  assert {
    condition = (
      aws_ecs_service.this.alarms[0].enable == true && aws_ecs_service.this.alarms[0].rollback == true &&
      toset(aws_ecs_service.this.alarms[0].alarm_names) == toset(["currency-api-dev-deployment-target-5xx-rate", "currency-api-dev-deployment-p99-latency"])
    )
    error_message = "ECS must roll a deployment back on the 5xx-rate and p99-latency alarms."
  }

  assert {
    condition = (
      one([for q in aws_cloudwatch_metric_alarm.deployment_5xx_rate.metric_query : q.expression if q.return_data == true]) == "100 * FILL(m5xx, 0) / requests" &&
      toset([for q in aws_cloudwatch_metric_alarm.deployment_5xx_rate.metric_query : one(q.metric).metric_name if length(q.metric) > 0]) == toset(["HTTPCode_Target_5XX_Count", "RequestCount"]) &&
      aws_cloudwatch_metric_alarm.deployment_5xx_rate.threshold == 5
    )
    error_message = "The 5xx-rate alarm is 5xx answers over all answers of the target group, above 5 %."
  }

  assert {
    condition = (
      one(one(aws_cloudwatch_metric_alarm.deployment_p99_latency.metric_query).metric).stat == "p99" &&
      one(one(aws_cloudwatch_metric_alarm.deployment_p99_latency.metric_query).metric).dimensions == tomap({ LoadBalancer = aws_lb.this.arn_suffix, TargetGroup = aws_lb_target_group.this.arn_suffix }) &&
      aws_cloudwatch_metric_alarm.deployment_p99_latency.threshold == 2
    )
    error_message = "The latency alarm is the target group's p99 TargetResponseTime above 2 s."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100 && aws_ecs_service.this.deployment_maximum_percent == 200
    error_message = "Rolling deployments at 100 % / 200 %."
  }

  assert {
    condition     = aws_ecs_service.this.enable_execute_command == false && aws_ecs_service.this.propagate_tags == "SERVICE"
    error_message = "No ECS Exec; tags propagate from the service."
  }

  assert {
    condition     = [for s in aws_ecs_service.this.capacity_provider_strategy : s.capacity_provider] == ["FARGATE"]
    error_message = "Without a spot weight, on-demand FARGATE only."
  }

  assert {
    condition     = one(aws_ecs_service.this.load_balancer).container_name == "currency-api" && one(aws_ecs_service.this.load_balancer).container_port == 8080
    error_message = "The service registers currency-api:8080 in the target group."
  }

  assert {
    condition     = aws_ecs_cluster.this.setting == toset([{ name = "containerInsights", value = "enabled" }])
    error_message = "Container Insights is on."
  }
}

run "autoscaling_tracks_cpu_and_requests" {
  command = apply

  variables {
    desired_count       = 2
    min_capacity        = 2
    max_capacity        = 6
    cpu_target_percent  = 55
    requests_per_target = 800
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 6
    error_message = "Min/max come from the variables."
  }

  assert {
    condition = (
      aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization" &&
      aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].target_value == 55
    )
    error_message = "CPU target tracking at cpu_target_percent."
  }

  assert {
    condition = (
      aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget" &&
      aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].target_value == 800
    )
    error_message = "Request-count target tracking at requests_per_target."
  }

  assert {
    # The earlier runs created the service with desired_count = 1; this run
    # applies over that state, as a later `apply` would.
    condition     = aws_ecs_service.this.desired_count == 1
    error_message = "desired_count sets only the initial count: a later apply must leave the count autoscaling chose (ignore_changes)."
  }
}

run "spot_weight_on_x86" {
  command = apply

  variables {
    cpu_architecture    = "X86_64"
    fargate_spot_weight = 3
  }

  assert {
    condition = toset([for s in aws_ecs_service.this.capacity_provider_strategy : "${s.capacity_provider}:${s.weight}"]) == toset([
      "FARGATE:1", "FARGATE_SPOT:3",
    ])
    error_message = "FARGATE_SPOT joins with its weight."
  }

  assert {
    condition     = aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "X86_64"
    error_message = "The task runs on X86_64."
  }
}

run "execution_role_pulls_from_one_repository_and_writes_one_log_group" {
  command = apply

  assert {
    condition = {
      for s in data.aws_iam_policy_document.execution.statement : s.sid => {
        actions   = toset(s.actions)
        resources = toset(s.resources)
      }
      } == {
      PullFromTheServiceRepository = {
        actions   = toset(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
        resources = toset(["arn:aws:ecr:eu-west-1:123456789012:repository/currency-api"])
      }
      EcrLogin = {
        actions   = toset(["ecr:GetAuthorizationToken"])
        resources = toset(["*"])
      }
      WriteContainerLogs = {
        actions   = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resources = toset(["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/currency-api-dev:log-stream:*"])
      }
    }
    error_message = "The execution role may pull from the given repository, log in to ECR and write the log group's streams, nothing else."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.execution.statement : [
        for a in s.actions : !strcontains(a, "*")
      ]
    ]))
    error_message = "No wildcard action."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.execution.statement :
      !contains(s.resources, "*") || toset(s.actions) == toset(["ecr:GetAuthorizationToken"])
    ])
    error_message = "Resource * only for ecr:GetAuthorizationToken."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.execution.statement : s.effect == "Allow"])
    error_message = "Only allow statements."
  }
}

run "roles_trust_ecs_tasks_of_this_account_only" {
  command = apply

  assert {
    condition     = toset(one(data.aws_iam_policy_document.ecs_tasks_trust.statement[0].principals).identifiers) == toset(["ecs-tasks.amazonaws.com"])
    error_message = "Only ECS tasks may assume the roles."
  }

  assert {
    condition = toset([for c in data.aws_iam_policy_document.ecs_tasks_trust.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "StringEquals aws:SourceAccount 123456789012",
      "ArnLike aws:SourceArn arn:aws:ecs:eu-west-1:123456789012:*",
    ])
    error_message = "Trust is conditioned on the source account and source ARN."
  }

  assert {
    condition     = aws_iam_role_policy.execution.role == aws_iam_role.execution.name && aws_iam_role.task.name == "currency-api-dev-task"
    error_message = "The only inline policy belongs to the execution role."
  }

  assert {
    condition     = length(aws_iam_role.task.inline_policy) == 0
    error_message = "The task role has no policy at all."
  }
}

run "access_logs_bucket_is_protected" {
  command = apply

  assert {
    condition     = aws_s3_bucket.access_logs.bucket == "currency-api-dev-alb-logs-123456789012"
    error_message = "Dedicated bucket named after the service and account."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.access_logs.block_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.block_public_policy &&
      aws_s3_bucket_public_access_block.access_logs.ignore_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.restrict_public_buckets
    )
    error_message = "All four public access blocks are on."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "SSE-S3, the only encryption ALB log delivery supports."
  }

  assert {
    condition     = aws_s3_bucket_versioning.access_logs.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning is on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.access_logs.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled (bucket owner enforced)."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].expiration[0].days == 90 &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].noncurrent_version_expiration[0].noncurrent_days >= 1
    )
    error_message = "Logs expire after access_logs_retention_days, noncurrent versions too."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.access_logs.statement :
      s.effect == "Deny" && toset(s.actions) == toset(["s3:*"]) && anytrue([
        for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && toset(c.values) == toset(["false"])
      ])
    ])
    error_message = "The bucket policy denies every request without TLS."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.access_logs.statement : [for p in s.principals : p.identifiers] if s.effect != "Deny"
      ])) == toset([
      "logdelivery.elasticloadbalancing.amazonaws.com",
      "arn:aws:iam::156460612806:root",
    ])
    error_message = "Only ELB log delivery may write (service principal, plus the Region's ELB account in a pre-2022 Region)."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.access_logs.statement :
      s.effect == "Deny" || (toset(s.actions) == toset(["s3:PutObject"]) && alltrue([for r in s.resources : endswith(r, "/alb/AWSLogs/123456789012/*")]))
    ])
    error_message = "Log delivery may only put objects under the ALB's prefix for this account."
  }
}

run "new_region_uses_the_service_principal_only" {
  command = apply

  override_data {
    target = data.aws_region.current
    values = {
      region = "eu-central-2"
    }
  }

  assert {
    condition     = length(data.aws_elb_service_account.this) == 0
    error_message = "No legacy ELB account in a Region opened after August 2022."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.access_logs.statement : [for p in s.principals : p.identifiers] if s.effect != "Deny"
    ])) == toset(["logdelivery.elasticloadbalancing.amazonaws.com"])
    error_message = "Only the log delivery service principal may write."
  }
}

run "apply_wires_security_groups_exactly" {
  command = apply

  override_resource {
    target = aws_iam_role.execution
    values = {
      arn = "arn:aws:iam::123456789012:role/currency-api-dev-execution"
    }
  }

  override_resource {
    target = aws_iam_role.task
    values = {
      arn = "arn:aws:iam::123456789012:role/currency-api-dev-task"
    }
  }

  variables {
    deletion_protection = true
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.alb_from_cloudfront.security_group_id == aws_security_group.alb.id &&
      aws_vpc_security_group_ingress_rule.alb_from_cloudfront.prefix_list_id == "pl-4fa04526" &&
      aws_vpc_security_group_ingress_rule.alb_from_cloudfront.ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.alb_from_cloudfront.from_port == 80 &&
      aws_vpc_security_group_ingress_rule.alb_from_cloudfront.to_port == 80
    )
    error_message = "ALB ingress: TCP 80 from the CloudFront origin-facing prefix list only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.alb_to_task.security_group_id == aws_security_group.alb.id &&
      aws_vpc_security_group_egress_rule.alb_to_task.referenced_security_group_id == aws_security_group.task.id &&
      aws_vpc_security_group_egress_rule.alb_to_task.ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.alb_to_task.from_port == 8080 &&
      aws_vpc_security_group_egress_rule.alb_to_task.to_port == 8080
    )
    error_message = "ALB egress: TCP 8080 to the task security group only."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.task_from_alb.security_group_id == aws_security_group.task.id &&
      aws_vpc_security_group_ingress_rule.task_from_alb.referenced_security_group_id == aws_security_group.alb.id &&
      aws_vpc_security_group_ingress_rule.task_from_alb.ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.task_from_alb.from_port == 8080 &&
      aws_vpc_security_group_ingress_rule.task_from_alb.to_port == 8080
    )
    error_message = "Task ingress: TCP 8080 from the ALB security group only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.task_https.security_group_id == aws_security_group.task.id &&
      aws_vpc_security_group_egress_rule.task_https.cidr_ipv4 == "0.0.0.0/0" &&
      aws_vpc_security_group_egress_rule.task_https.ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.task_https.from_port == 443 &&
      aws_vpc_security_group_egress_rule.task_https.to_port == 443
    )
    error_message = "Task egress: TCP 443 only."
  }

  assert {
    condition     = toset(aws_lb.this.security_groups) == toset([aws_security_group.alb.id]) && toset(aws_ecs_service.this.network_configuration[0].security_groups) == toset([aws_security_group.task.id])
    error_message = "The ALB uses the ALB security group and the tasks the task security group, nothing else."
  }

  assert {
    condition     = aws_lb.this.enable_deletion_protection == true && aws_s3_bucket.access_logs.force_destroy == false
    error_message = "Deletion protection keeps the ALB and its logs."
  }

  assert {
    condition     = aws_lb.this.access_logs[0].bucket == aws_s3_bucket.access_logs.id && output.access_logs_bucket == aws_s3_bucket.access_logs.id
    error_message = "The ALB logs to the module's bucket."
  }

  assert {
    condition     = one(aws_ecs_service.this.load_balancer).target_group_arn == aws_lb_target_group.this.arn && output.target_group_arn == aws_lb_target_group.this.arn
    error_message = "The service registers in the module's target group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.logs.arn
    error_message = "The log group is encrypted with the module's key."
  }

  assert {
    condition = (
      aws_ecs_task_definition.this.execution_role_arn == aws_iam_role.execution.arn &&
      aws_ecs_task_definition.this.task_role_arn == aws_iam_role.task.arn &&
      aws_iam_role.execution.arn != aws_iam_role.task.arn
    )
    error_message = "Separate execution and task roles."
  }
}
