"""The one Celery task of the report engine. Takes an id; its outcome is the ExportJob row."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, name="reports.run_export_job")
def run_export_job(self, job_id: int) -> str | None:
    job = services.run_job(job_id=job_id, task_id=self.request.id)
    return job.status if job is not None else None
