// RejectionReason moved to ChoriaDashboard.Events, which nearly every test reads.
global using ChoriaDashboard.Events;
