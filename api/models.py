"""Every table, imported in one place for Alembic and the app."""
from api.audit.models import AuditEntry
from api.core.db import Base
from api.deadletters.models import DeadLetter
from api.questions.models import QuestionMessage, QuestionThread
from api.registrations.models import IdempotencyKey, Registration, RegistrationEvent
from api.staff.models import RecoveryCode, SignInThrottle, StaffSession, StaffUser
from api.statistics.models import ChatCount, CourseCount, IntakeCount

__all__ = ["AuditEntry", "Base", "ChatCount", "CourseCount", "DeadLetter", "IdempotencyKey", "IntakeCount",
           "QuestionMessage", "QuestionThread", "RecoveryCode", "Registration", "RegistrationEvent", "SignInThrottle",
           "StaffSession", "StaffUser"]
