// Settlement's plain data. Payment requests, confirmations and schedules join here with their
// issue; for now only what the probes report.
#pragma once

namespace dictra::settlement {

// What /ready reports: settlement is ready when its database answers.
struct Readiness {
    bool database_connected = false;
};

}  // namespace dictra::settlement
