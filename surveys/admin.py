from django.contrib import admin

from .models import (
    Answer,
    AttemptAnswer,
    BankOption,
    BankQuestion,
    BankTopic,
    CampaignLink,
    InvitationToken,
    Option,
    Question,
    Response,
    Section,
    Survey,
    SurveyEvent,
    TestAttempt,
    TestFixedQuestion,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class FixedQuestionInline(admin.TabularInline):
    model = TestFixedQuestion
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "version", "period_start", "period_end"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "code"]
    filter_horizontal = ["target_agencies", "draw_topics"]
    inlines = [SectionInline, FixedQuestionInline]
    readonly_fields = ["public_id", "created_at", "updated_at"]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "survey", "type", "purpose", "sipas_element", "sipas_criterion"]
    list_filter = ["type", "purpose", "sipas_element", "survey"]
    search_fields = ["code", "text"]
    inlines = [OptionInline]


@admin.register(CampaignLink)
class CampaignLinkAdmin(admin.ModelAdmin):
    list_display = ["slug", "survey", "agency", "is_active"]


@admin.register(InvitationToken)
class InvitationTokenAdmin(admin.ModelAdmin):
    list_display = ["survey", "agency", "dossier_code", "created_at", "used_at"]
    list_filter = ["survey"]
    search_fields = ["dossier_code", "token"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "value_int", "value_text", "value_choices"]
    can_delete = False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "status", "channel", "agency", "paper_serial", "submitted_at"]
    list_filter = ["survey", "status", "channel"]
    search_fields = ["paper_serial", "dossier_code"]
    inlines = [AnswerInline]
    readonly_fields = ["public_id", "resume_key", "computed", "started_at", "submitted_at"]


@admin.register(SurveyEvent)
class SurveyEventAdmin(admin.ModelAdmin):
    list_display = ["survey", "kind", "at", "by"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BankTopic)
class BankTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "for_kind"]


class BankOptionInline(admin.TabularInline):
    model = BankOption
    extra = 4


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "topic", "type", "difficulty", "points", "is_active"]
    list_filter = ["topic", "type", "difficulty", "is_active"]
    search_fields = ["text"]
    inlines = [BankOptionInline]


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    extra = 0


@admin.register(TestAttempt)
class TestAttemptAdmin(admin.ModelAdmin):
    list_display = ["survey", "user", "agency", "status", "score", "started_at", "deadline_at"]
    list_filter = ["survey", "status"]
    inlines = [AttemptAnswerInline]
