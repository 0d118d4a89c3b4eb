"""A stream of workflow events through the API, as the crash test and the backup test send them
while `serve` runs."""
import http.client
import threading
import time

from . import api


class EventStream(threading.Thread):
    """Posts the next event of random quality-report cycles through the API, as the users the
    workflow names; keeps the (cycle, event) pairs the API acknowledged with 200."""

    def __init__(self, port, cycles, rng):
        super().__init__(daemon=True)
        self.port = port
        self.cycles = cycles  # id -> (leader token, chief token)
        self.rng = rng
        self.acknowledged = []
        self.stop = threading.Event()
        self.state = {}

    def run(self):
        ids = list(self.cycles)
        while not self.stop.is_set():
            cycle = self.rng.choice(ids)
            leader, chief = self.cycles[cycle]
            state = self.state.get(cycle, "ReportInPreparation")
            step = {
                "ReportInPreparation": ("report_submitted", {}, leader),
                "AwaitingBoardStatement": ("board_statement_submitted",
                                           {"assessment": "Ok.", "on_behalf_of_board": True}, leader),
                "AwaitingConversation": ("conversation_held", {
                    "development_points": [{"title": "Læsning", "goal": "learning"}],
                    "supervision_points": ([{"title": "Fravær", "reason": "concern",
                                             "goal": "wellbeing"}]
                                           if self.rng.random() < 0.3 else [])}, chief),
                "PlanInPreparation": ("plan_submitted", {"text": "Plan"}, leader),
                "PlanAwaitingApproval": ("plan_approved", {}, chief),
            }.get(state)
            if not step:
                continue
            event, data, token = step
            try:
                status, answer = api.post_event(self.port, token, cycle, event, data, timeout=10)
            except (OSError, http.client.HTTPException, api.NotJson):
                time.sleep(0.05)  # the daemon is down: try again later
                continue
            if status == 200:
                self.acknowledged.append((cycle, event))
                self.state[cycle] = answer["state"]
            elif status == 409:
                self.state[cycle] = answer.get("state", state)
            time.sleep(0.002)
