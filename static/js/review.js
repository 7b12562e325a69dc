// The review page: export links follow their job's progress (jobs.js).
import { enhanceExportLinks } from "./jobs.js";

enhanceExportLinks();
