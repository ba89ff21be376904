"""A version's steps, compiled to a flat program a run walks with one cursor.

Steps as a person writes them (and the editor shows them)::

    [{"action": "add_tag", "tag": "vip"},
     {"wait": {"days": 2}},
     {"if": {"field": "score.churn_risk", "op": ">", "value": 0.7},
      "then": [{"action": "send_email", ...}],
      "else": [{"action": "create_task", "title": "Call them"}]}]

compile to instructions ``action`` / ``wait`` / ``branch`` (to ``else`` when the rule does not
hold) / ``jump``; a run stores the index of its next instruction, so it resumes exactly there
after a crash, a wait or a retry — and the instruction index names a step in the run log.
"""

from __future__ import annotations

from typing import Any

Step = dict[str, Any]
Instruction = dict[str, Any]

WAIT_UNITS = {"minutes": 60, "hours": 3600, "days": 86400}


def wait_seconds(wait: dict[str, Any]) -> int:
    return int(sum(float(wait.get(unit, 0)) * seconds for unit, seconds in WAIT_UNITS.items()))


def compile_steps(steps: list[Step]) -> list[Instruction]:
    program: list[Instruction] = []

    def emit(block: list[Step]) -> None:
        for step in block:
            if "if" in step:
                branch: Instruction = {"op": "branch", "rule": step["if"], "else": -1}
                program.append(branch)
                emit(step.get("then", []))
                if step.get("else"):
                    jump: Instruction = {"op": "jump", "to": -1}
                    program.append(jump)
                    branch["else"] = len(program)
                    emit(step["else"])
                    jump["to"] = len(program)
                else:
                    branch["else"] = len(program)
            elif "wait" in step:
                program.append({"op": "wait", "seconds": wait_seconds(step["wait"])})
            else:
                program.append({"op": "action", "step": step})

    emit(steps)
    return program
