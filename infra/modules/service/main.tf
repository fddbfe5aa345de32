data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  target_group_dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
    TargetGroup  = aws_lb_target_group.this.arn_suffix
  }
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  container_name = "currency-api"
  container_port = 8080

  log_group_name = "/ecs/${var.name}"
  # Built rather than read from the resource, so that the key policy can name
  # the log group before it exists (the log group needs the key first).
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # The account-root statement of the key policy: it grants nothing by itself,
  # it lets IAM policies in this account govern the key (AWS's default key
  # policy does the same with kms:*; the actions are listed so that no policy
  # holds a service wildcard). kms:PutKeyPolicy is in it, so an IAM
  # administrator can always repair the policy: no lockout.
  key_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  environment = merge(var.container_environment, { PORT = tostring(local.container_port) })

  container_definition = {
    name                   = local.container_name
    image                  = var.image
    essential              = true
    user                   = "65532"
    readonlyRootFilesystem = true
    privileged             = false
    stopTimeout            = var.stop_timeout

    linuxParameters = {
      capabilities = {
        add  = []
        drop = ["ALL"]
      }
    }

    portMappings = [{
      name          = "http"
      containerPort = local.container_port
      hostPort      = local.container_port
      protocol      = "tcp"
      appProtocol   = "http"
    }]

    environment = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]

    # The image has no shell or curl: the binary checks its own /health.
    healthCheck = {
      command     = ["CMD", "/currency-api", "healthcheck"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 10
    }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = local.log_group_name
        "awslogs-region"        = local.region
        "awslogs-stream-prefix" = "ecs"
        # Stated explicitly (ECS's default since June 2025 unless the account
        # says otherwise): a slow CloudWatch must never block the app's stdout
        # and so its requests; the price is that log lines beyond the buffer
        # can be lost.
        "mode"            = "non-blocking"
        "max-buffer-size" = "25m"
        # No "awslogs-format": ECS does not document it for Fargate (see
        # README); CloudWatch Logs extracts EMF records without the header.
      }
    }

    mountPoints    = []
    volumesFrom    = []
    systemControls = []
  }
}

# --- Logs -------------------------------------------------------------------

data "aws_iam_policy_document" "logs_key" {
  statement {
    sid       = "AccountRootAdministersKey"
    effect    = "Allow"
    actions   = local.key_admin_actions
    resources = ["*"] # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid    = "CloudWatchLogsUsesKeyForThisLogGroup"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${data.aws_partition.current.dns_suffix}"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "Encrypts the ${local.log_group_name} log group"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs.arn
}

# --- ECS ----------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container_definition])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
}

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = aws_ecs_cluster.this.arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.fargate_spot_weight > 0 ? [var.fargate_spot_weight] : []

    content {
      capacity_provider = "FARGATE_SPOT"
      weight            = capacity_provider_strategy.value
    }
  }

  # The circuit breaker watches task health only: a release whose tasks
  # start and pass /health but fail users (5xx, latency) would stay. The
  # deployment alarms roll such a release back
  # (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html);
  # cmd/deploy reports either rollback as a failed release.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = [
      aws_cloudwatch_metric_alarm.deployment_5xx_rate.alarm_name,
      aws_cloudwatch_metric_alarm.deployment_p99_latency.alarm_name,
    ]
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = local.container_port
  }

  lifecycle {
    # Autoscaling owns the task count after creation.
    ignore_changes = [desired_count]
  }

  # ECS refuses a target group that no listener uses. The listener here only
  # answers 403; the forward rule lives in the edge module, so on the first
  # apply the provider's retry on "does not have an associated load
  # balancer" covers the seconds until that rule exists (see README).
  depends_on = [
    aws_lb_listener.http,
    aws_ecs_cluster_capacity_providers.this,
    aws_iam_role_policy.execution,
    terraform_data.network_ready,
  ]
}

# --- Deployment alarms ------------------------------------------------------------
# What ECS watches during a rollout (and its bake time) to roll a release back.
# They read the target group, so they see the new tasks' answers mixed with
# the old ones' while both run; thresholds are per target group.

# The 5xx rate: 5xx answers over all answers of the target group. FILL turns
# a minute without 5xx into 0 instead of no data.
resource "aws_cloudwatch_metric_alarm" "deployment_5xx_rate" {
  alarm_name          = "${var.name}-deployment-target-5xx-rate"
  alarm_description   = "More than ${var.deployment_alarms.target_5xx_rate_percent} % of the target group's requests got a 5xx from the service in 2 of 3 minutes: ECS rolls a deployment in progress back."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.deployment_alarms.target_5xx_rate_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  # No traffic is no evidence against a release.
  treat_missing_data = "notBreaching"

  metric_query {
    id = "m5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.target_group_dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.target_group_dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id          = "rate"
    expression  = "100 * FILL(m5xx, 0) / requests"
    label       = "Target 5xx rate (%)"
    return_data = true
  }
}

resource "aws_cloudwatch_metric_alarm" "deployment_p99_latency" {
  alarm_name          = "${var.name}-deployment-p99-latency"
  alarm_description   = "The target group's p99 response time was above ${var.deployment_alarms.p99_latency_seconds} s in 2 of 3 minutes: ECS rolls a deployment in progress back."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.deployment_alarms.p99_latency_seconds
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "p99"
    return_data = true

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "TargetResponseTime"
      dimensions  = local.target_group_dimensions
      period      = 60
      stat        = "p99"
    }
  }
}

# The one place the network's readiness matters: the service's first tasks
# pull their image and ship their logs through the VPC endpoints when those
# exist, so the service waits for the endpoint IDs it is given. Ordering is
# expressed here, on one resource, and not as a module-level depends_on in the
# environment: that would defer every data source of this module to apply
# time, and the plan of a first deployment would fail on the count that reads
# data.aws_region (hashicorp/terraform#34391).
resource "terraform_data" "network_ready" {
  input = var.network_dependency_ids
}

# --- Autoscaling ------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.this.arn_suffix}/${aws_lb_target_group.this.arn_suffix}"
    }
  }
}
