"""Workflow Builder custom steps (manifest: functions): the glossary as steps in a company's workflows."""
