package policy

import (
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The checks of what watches the service: the alarms a deployment rolls
// back on, and the alarm that fires when no target is healthy.

// What the circuit breaker and deployment alarms each detect, ECS Developer
// Guide: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
var checkECSDeploymentAlarms = Check{
	Name: "ecs-deployment-alarms",
	Promise: "Every ECS service has a deployment_circuit_breaker with enable and rollback true and an alarms block with enable and " +
		"rollback true and alarm_names not empty, since the circuit breaker watches task health only and the ECS Developer Guide " +
		"has alarms roll back a release that is healthy but fails users.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, s := range cfg.resources("aws_ecs_service") {
			m := s.Module
			if !slices.ContainsFunc(nested(s.Body, "deployment_circuit_breaker"), func(b *hclsyntax.Body) bool {
				return m.isTrue(attr(b, "enable")) && m.isTrue(attr(b, "rollback"))
			}) {
				out = append(out, finding(s.Range, "%s: deployment_circuit_breaker { enable = true, rollback = true } is missing: "+
					"a release whose tasks never get healthy would not be rolled back", s.Address()))
			}
			alarms := nested(s.Body, "alarms")
			if len(alarms) == 0 {
				out = append(out, finding(s.Range, "%s has no alarms block: a release whose tasks are healthy but fail users "+
					"(5xx, latency) would not be rolled back", s.Address()))
			}
			for _, a := range alarms {
				var problems []string
				if !m.isTrue(attr(a, "enable")) {
					problems = append(problems, "enable must be true")
				}
				if !m.isTrue(attr(a, "rollback")) {
					problems = append(problems, "rollback must be true")
				}
				if len(present(m.resolve(attr(a, "alarm_names")))) == 0 {
					problems = append(problems, "alarm_names must name the alarms")
				}
				for _, p := range problems {
					out = append(out, finding(a.SrcRange, "%s: alarms: %s, else a release that fails users is not rolled back", s.Address(), p))
				}
			}
		}
		return out
	},
}

var checkHealthyHostAlarm = Check{
	Name: "healthy-host-alarm",
	Promise: "Every module with an aws_cloudwatch_metric_alarm on the AWS/ApplicationELB namespace has one on HealthyHostCount with " +
		"LessThanThreshold, since UnHealthyHostCount above 0 cannot fire when there are no targets at all.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			var first *Block
			healthy := false
			for _, a := range m.resources("aws_cloudwatch_metric_alarm") {
				for _, in := range m.instances(a) {
					if !m.is(m.arg(a, in, "namespace"), "AWS/ApplicationELB") {
						continue
					}
					if first == nil {
						first = a
					}
					healthy = healthy || (m.is(m.arg(a, in, "metric_name"), "HealthyHostCount") &&
						m.is(m.arg(a, in, "comparison_operator"), "LessThanThreshold"))
				}
			}
			if first != nil && !healthy {
				out = append(out, finding(first.Range, "%s: this module alarms on AWS/ApplicationELB metrics but none on "+
					"HealthyHostCount with comparison_operator LessThanThreshold: UnHealthyHostCount cannot fire when "+
					"no target is registered at all", first.Address()))
			}
		}
		return out
	},
}
