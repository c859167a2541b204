import { ComputerRegistered, ReportingSubjects } from '#contracts';
import { reportingComputerId } from '../domain/computer-id.js';

/** Durable: the gateway enqueues it after decoding a RegisterComputer call. */
export const REGISTER_COMPUTER_SUBJECT = ReportingSubjects.registerComputer;
export const REGISTER_COMPUTER_CONSUMER = 'reporting.register-computer';

/** The payload is the ComputerRegistered event data. */
export const RegisterComputerCommand = ComputerRegistered.schema.extend({ computerId: reportingComputerId });
