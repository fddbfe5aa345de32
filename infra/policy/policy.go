package policy

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// Finding is one broken promise at a place in the source.
type Finding struct {
	Check   string
	Range   hcl.Range
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.Range.Filename, f.Range.Start.Line, f.Check, f.Message)
}

// Check is one promise of the architecture and the function that looks for
// places where the configuration breaks it.
type Check struct {
	Name    string
	Promise string
	Run     func(*Config) []Finding
}

// Checks is every check, in the order the issue lists the promises, with
// passrole-conditioned, ecr-push-actions and lambda-permission-scoped beside
// the other IAM check, lambda-in-private-vpc beside the other network checks,
// each later check beside the earlier ones of its resource, and the delivery
// pipeline's checks last.
var Checks = []Check{
	checkALBInternalPrivate,
	checkPrivateSubnetWiring,
	checkVPCOriginZones,
	checkListenerDefault403,
	checkListenerForwardNeedsSecret,
	checkCloudFrontVPCOriginSecret,
	checkSecretLeftToRotation,
	checkCloudFrontHTTPSRedirect,
	checkCloudFrontStripsRequestID,
	checkECSPrivateNoPublicIP,
	checkECSDeploymentAlarms,
	checkHealthyHostAlarm,
	checkSGIngressSources,
	checkNoOpenIngress,
	checkLambdaInPrivateVPC,
	checkECRHardened,
	checkKMSRotation,
	checkS3Hardened,
	checkBucketsFollowForceDestroy,
	checkIAMNoWildcards,
	checkPassRoleConditioned,
	checkECRPushActions,
	checkLambdaPermissionScoped,
	checkContainerHardened,
	checkLogGroupsEncrypted,
	checkCodeBuildLeastPrivilege,
	checkCodeBuildStartsNeverRefused,
	checkCodeBuildUnprivileged,
	checkBuildspecFromTerraform,
	checkSourceBucketWriters,
	checkEventTargetRoleScoped,
	checkImageNoDrift,
}

// Run runs the checks over the configuration and returns their findings
// sorted by file and line.
func Run(cfg *Config, checks []Check) []Finding {
	var all []Finding
	for _, c := range checks {
		for _, f := range c.Run(cfg) {
			f.Check = c.Name
			all = append(all, f)
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Range, all[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Line < b.Start.Line
	})
	return all
}

// finding builds a Finding (its Check is filled in by Run).
func finding(r hcl.Range, format string, args ...any) Finding {
	return Finding{Range: r, Message: fmt.Sprintf(format, args...)}
}
