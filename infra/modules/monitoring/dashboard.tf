################################################################################
# One dashboard for the service: edge, load balancer, tasks, the app's own
# Embedded Metric Format metrics, its error log lines and the alarms.
################################################################################

locals {
  # The app's EMF namespace and the service dimension it writes
  # (cmd/currency-api: METRICS_NAMESPACE, reportRatesAge).
  app_namespace = "CurrencyAPI"
  app_service   = "currency-api"

  alb = var.alb_arn_suffix
  tg  = var.target_group_arn_suffix

  dashboard_widgets = [
    {
      type   = "metric"
      x      = 0
      y      = 0
      width  = 12
      height = 6
      properties = {
        title  = "CloudFront requests"
        region = "us-east-1"
        view   = "timeSeries"
        stat   = "Sum"
        period = 60
        metrics = [
          ["AWS/CloudFront", "Requests", "DistributionId", var.distribution_id, "Region", "Global"],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 0
      width  = 12
      height = 6
      properties = {
        title  = "CloudFront error rates (%)"
        region = "us-east-1"
        view   = "timeSeries"
        stat   = "Average"
        period = 60
        metrics = [
          ["AWS/CloudFront", "4xxErrorRate", "DistributionId", var.distribution_id, "Region", "Global"],
          ["AWS/CloudFront", "5xxErrorRate", "DistributionId", var.distribution_id, "Region", "Global"],
          ["AWS/CloudFront", "TotalErrorRate", "DistributionId", var.distribution_id, "Region", "Global"],
        ]
        annotations = {
          horizontal = [{ label = "5xx alarm", value = var.thresholds.cloudfront_5xx_rate_percent }]
        }
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 6
      width  = 8
      height = 6
      properties = {
        title  = "ALB requests and errors"
        region = local.region
        view   = "timeSeries"
        stat   = "Sum"
        period = 60
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.alb],
          ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", "LoadBalancer", local.alb, "TargetGroup", local.tg],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", local.alb, "TargetGroup", local.tg],
          ["AWS/ApplicationELB", "HTTPCode_ELB_4XX_Count", "LoadBalancer", local.alb],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", local.alb],
        ]
      }
    },
    {
      type   = "metric"
      x      = 8
      y      = 6
      width  = 8
      height = 6
      properties = {
        title  = "ALB target response time (s)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb, "TargetGroup", local.tg, { stat = "p50", label = "p50" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb, "TargetGroup", local.tg, { stat = "p90", label = "p90" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb, "TargetGroup", local.tg, { stat = "p99", label = "p99" }],
        ]
        annotations = {
          horizontal = [{ label = "p99 alarm", value = var.thresholds.p99_response_time_seconds }]
        }
      }
    },
    {
      type   = "metric"
      x      = 16
      y      = 6
      width  = 8
      height = 6
      properties = {
        title  = "Targets"
        region = local.region
        view   = "timeSeries"
        stat   = "Maximum"
        period = 60
        metrics = [
          ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", local.alb, "TargetGroup", local.tg],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", local.alb, "TargetGroup", local.tg],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 12
      width  = 12
      height = 6
      properties = {
        title  = "ECS CPU and memory (%)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { stat = "Average", label = "CPU average" }],
          ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { stat = "Maximum", label = "CPU maximum" }],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { stat = "Average", label = "Memory average" }],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { stat = "Maximum", label = "Memory maximum" }],
        ]
        yAxis = { left = { min = 0, max = 100 } }
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 12
      width  = 12
      height = 6
      properties = {
        title  = "ECS tasks (Container Insights)"
        region = local.region
        view   = "timeSeries"
        stat   = "Average"
        period = 60
        metrics = [
          ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
          ["ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
          ["ECS/ContainerInsights", "PendingTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
        ]
      }
    },
    {
      # SEARCH picks up every route the app reports, without listing them.
      type   = "metric"
      x      = 0
      y      = 18
      width  = 12
      height = 6
      properties = {
        title  = "App requests by route"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "requests", expression = "SEARCH('{${local.app_namespace},route} MetricName=\"requests\"', 'Sum', 60)", label = "" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 18
      width  = 12
      height = 6
      properties = {
        title  = "App p99 latency by route (ms)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "latency", expression = "SEARCH('{${local.app_namespace},route} MetricName=\"latency_ms\"', 'p99', 60)", label = "" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 24
      width  = 8
      height = 6
      properties = {
        title  = "Rates age (s)"
        region = local.region
        view   = "timeSeries"
        stat   = "Maximum"
        period = 60
        metrics = [
          [local.app_namespace, "rates_age_seconds", "service", local.app_service],
        ]
      }
    },
    {
      type   = "metric"
      x      = 8
      y      = 24
      width  = 8
      height = 6
      properties = {
        title  = "Rates stale (1 = serving stale rates)"
        region = local.region
        view   = "timeSeries"
        stat   = "Maximum"
        period = 60
        metrics = [
          [local.app_namespace, "rates_stale", "service", local.app_service],
        ]
        yAxis = { left = { min = 0, max = 1 } }
      }
    },
    {
      type   = "metric"
      x      = 16
      y      = 24
      width  = 8
      height = 6
      properties = {
        title  = "Upstream fetches by source and outcome"
        region = local.region
        view   = "timeSeries"
        period = 300
        metrics = [
          [{ id = "fetches", expression = "SEARCH('{${local.app_namespace},source,outcome} MetricName=\"fetches\"', 'Sum', 300)", label = "" }],
        ]
      }
    },
    {
      type   = "log"
      x      = 0
      y      = 30
      width  = 16
      height = 6
      properties = {
        title  = "Recent errors and 5xx responses"
        region = local.region
        view   = "table"
        query  = "SOURCE '${var.log_group_name}' | fields @timestamp, level, msg, route, status, request_id | filter level = 'ERROR' or status >= 500 | sort @timestamp desc | limit 50"
      }
    },
    {
      type   = "alarm"
      x      = 16
      y      = 30
      width  = 8
      height = 6
      properties = {
        title  = "Alarms"
        alarms = concat([for alarm in aws_cloudwatch_metric_alarm.service : alarm.arn], [aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.arn])
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
